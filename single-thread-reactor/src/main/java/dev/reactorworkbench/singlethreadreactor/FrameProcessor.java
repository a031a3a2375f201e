package dev.reactorworkbench.singlethreadreactor;

/**
 * What the reactor does with each decoded frame. This is the one step that the models built on
 * this loop change: the single-thread reactor runs the handler right here, on the reactor thread;
 * {@code reactor-threadpool} hands the frame to a worker pool instead.
 */
@FunctionalInterface
public interface FrameProcessor {

    /** Called on the reactor thread, in the order the connection's frames arrived. */
    void process(ConnectionHandler connection, byte[] frame);
}
