package dev.reactorworkbench.comparisonbench.report;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Samples the machine's 1-minute load average while a run goes on, so the results can say how busy
 * the machine was during the run, not only before and after. NOTE: the load average counts every
 * runnable thread, the benchmark's own included: on 2 cores a run alone already shows 2 or more.
 */
final class LoadAverageSampler implements AutoCloseable {

    private final List<Double> samples = new ArrayList<>();   // guarded by this
    private final Thread thread;
    private final Duration every;
    private volatile boolean stop;

    LoadAverageSampler(Duration every) {
        this.every = every;
        this.thread = Thread.ofPlatform().daemon().name("load-average-sampler").start(this::run);
    }

    private void run() {
        while (!stop) {
            try {
                double one = Double.parseDouble(Machine.loadAverageFields()[0]);
                synchronized (this) {
                    samples.add(one);
                }
            } catch (IOException | RuntimeException e) {
                return; // no /proc/loadavg here: nothing to sample
            }
            try {
                Thread.sleep(every); // a sampling period, not a synchronisation
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** e.g. {@code 1-min load average every 10 s over 180 samples: min 2.1, mean 3.4, max 6.0}. */
    synchronized String summary() {
        if (samples.isEmpty()) {
            return "not sampled";
        }
        double min = samples.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = samples.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double mean = samples.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        return String.format(Locale.ROOT, "1-min load average every %d s, %d samples: min %.2f, mean %.2f, max %.2f "
                        + "(counts the benchmark's own threads too)", every.toSeconds(), samples.size(), min, mean, max);
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(Duration.ofSeconds(5));
    }
}
