package dev.reactorworkbench.comparisonbench.timeline;

/**
 * One recorded step of one thread: a {@code reactorworkbench.*} event, with times in nanoseconds
 * from the start of the recording. An instant (a hand-off, a wakeup, an accept, a completed read)
 * has no duration.
 *
 * @param thread     the thread's name, as the model named it
 * @param step       the step, e.g. {@code Read} (see {@link dev.reactorworkbench.servercore.trace.Trace#STEPS})
 * @param connection the client's port, 0 for none
 * @param request    the request's sequence number on its connection, 0 for none
 * @param count      frames decoded, replies gathered, connections dealt out
 * @param what       what a wait waited in, a phase, or the thread handed to; may be null
 */
public record Span(String thread, String step, long start, long duration, long connection, long request,
                   long bytes, int count, String what) {

    public long end() {
        return start + duration;
    }

    public boolean isInstant() {
        return duration == 0;
    }
}
