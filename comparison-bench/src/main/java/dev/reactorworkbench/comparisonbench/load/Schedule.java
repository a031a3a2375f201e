package dev.reactorworkbench.comparisonbench.load;

/**
 * The clock of one run, fixed before the client threads start and never changed: when the run
 * starts, when measuring starts and ends, when the drain gives up, and (open loop) when each
 * request is due.
 *
 * <p>The open loop's schedule is one global sequence: request {@code j} (counting over all
 * connections) is due at {@code start + j / rate} seconds, and connection {@code c} of {@code C}
 * sends requests {@code j = c, c + C, c + 2C, ...}. So the connections take turns evenly and the
 * number of requests due in any window is exact: {@code ceil(window * rate)}.
 *
 * @param start          {@link System#nanoTime()} at which the run starts
 * @param measureStart   end of the warm-up
 * @param end            end of the measured time: no request is sent (closed loop) or due (open
 *                       loop) from here on
 * @param drainDeadline  replies still owed at this time are lost
 * @param rate           open loop: requests per second over all connections; 0 for closed loop
 */
record Schedule(long start, long measureStart, long end, long drainDeadline, long rate) {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    static Schedule of(LoadSpec spec, long start) {
        long measureStart = start + spec.warmup().toNanos();
        long end = measureStart + spec.duration().toNanos();
        return new Schedule(start, measureStart, end, end + spec.drainTimeout().toNanos(), spec.rate());
    }

    /**
     * Open loop: when global request {@code j} is due, in {@link System#nanoTime()} terms. Exact
     * integer arithmetic (no drift from a rounded interval), split in two so that {@code j * 1e9}
     * cannot overflow on long runs.
     */
    long dueAt(long j) {
        return start + (j / rate) * NANOS_PER_SECOND + (j % rate) * NANOS_PER_SECOND / rate;
    }

    /**
     * The same run ending at {@code newEnd} instead (if that is earlier), with the same drain time
     * after it: {@link LoadRun#finish} ends a run that was started open-ended.
     */
    Schedule endingAt(long newEnd) {
        if (newEnd >= end) {
            return this;
        }
        long drain = drainDeadline - end;
        return new Schedule(start, Math.min(measureStart, newEnd), newEnd, newEnd + drain, rate);
    }

    /** Whether a reply arriving at {@code now} counts towards throughput. */
    boolean inWindow(long now) {
        return now >= measureStart && now < end;
    }
}
