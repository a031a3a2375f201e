package dev.reactorworkbench.servercore.lifecycle;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/**
 * What every model does when {@code accept()} fails, stated once (as tokio's mini-redis does:
 * "errors are handled by backing off and retrying"):
 * <ol>
 *   <li>stop accepting for a pause: 10 ms, doubling on each failure in a row, at most 1 s. A
 *       level-triggered selector reports a listener with a waiting connection as ready on every
 *       turn, so a reactor that kept {@code OP_ACCEPT} while {@code accept} fails with
 *       {@code EMFILE} ("Too many open files") would spin at 100 % CPU; a thread that retried at
 *       once would do the same;</li>
 *   <li>keep serving the established connections meanwhile (the caller's loop carries on);</li>
 *   <li>log once when an episode starts and once when it ends, with the count of failures, never
 *       once per failure;</li>
 *   <li>need no new file descriptor on this path: logging is made ready when this class loads
 *       ({@link ServerLog}), which is when a server is built, long before descriptors run out.</li>
 * </ol>
 * Not thread-safe: the one thread (or the one completion at a time) that accepts owns it.
 */
public final class AcceptFailures {

    /** The first pause after a failure. */
    public static final Duration FIRST_PAUSE = Duration.ofMillis(10);
    /** The longest pause, reached after seven failures in a row. */
    public static final Duration MAX_PAUSE = Duration.ofSeconds(1);

    private static final System.Logger DEFAULT_LOG = ServerLog.logger(AcceptFailures.class);

    private final String listener;
    private final System.Logger log;

    // The accepting thread only.
    private long failures;          // in the current episode; 0 = no episode
    private long episodeStartNanos;
    private Duration pause = FIRST_PAUSE;

    /** @param listener what is accepting, for the log, e.g. {@code "reactor 127.0.0.1:7000"} */
    public AcceptFailures(String listener) {
        this(listener, DEFAULT_LOG);
    }

    AcceptFailures(String listener, System.Logger log) {
        this.listener = listener;
        this.log = log;
    }

    // tag::failed[]
    /**
     * {@code accept()} failed. Returns how long to stop accepting before the next try; the caller
     * pauses (drops {@code OP_ACCEPT} and re-adds it from a timer, or sleeps on its acceptor
     * thread) and keeps serving everything else.
     */
    public Duration failed(IOException cause) {
        Duration thisPause = pause;
        if (failures++ == 0) {
            episodeStartNanos = System.nanoTime();
            log.log(System.Logger.Level.WARNING, String.format(Locale.ROOT,
                    "%s: accept failed (%s)%s; pausing accepts with back-off from %d ms to %d ms, still serving open connections",
                    listener, cause.getMessage(), outOfDescriptors(cause) ? ", out of file descriptors" : "",
                    FIRST_PAUSE.toMillis(), MAX_PAUSE.toMillis()));
        }
        pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
        return thisPause;
    }

    /** {@code accept()} gave a connection: ends an episode, if one was open, with one log line. */
    public void accepted() {
        if (failures == 0) {
            return;
        }
        long millis = (System.nanoTime() - episodeStartNanos) / 1_000_000;
        log.log(System.Logger.Level.WARNING, String.format(Locale.ROOT,
                "%s: accepting again after %,d failed accepts over %,d ms", listener, failures, millis));
        failures = 0;
        pause = FIRST_PAUSE;
    }
    // end::failed[]

    /** Failures in the current episode; 0 when accepting works. */
    public long failuresInEpisode() {
        return failures;
    }

    /** {@code EMFILE} (this process) or {@code ENFILE} (the whole system) as the JDK words them. */
    public static boolean outOfDescriptors(IOException e) {
        String message = e.getMessage();
        return message != null && message.contains("Too many open files");
    }
}
