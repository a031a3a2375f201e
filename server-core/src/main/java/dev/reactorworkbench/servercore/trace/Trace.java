package dev.reactorworkbench.servercore.trace;

import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.Reply;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.NetworkChannel;

/**
 * The steps the chapters talk about, as JDK Flight Recorder events, so {@code ./workbench timeline}
 * can draw what each thread of a running model did: wait, accept, read, decode, handle, hand-off,
 * write, wakeup, and Redis 6's fan-out and spin. Every event carries the connection it belongs to
 * (the client's port: unique among the live connections of one host, and what {@code ss} shows)
 * and, where it applies, the request's sequence number on that connection, so one request can be
 * followed from thread to thread.
 *
 * <p>Cost: every event is {@link Enabled disabled} by default. A model calls the helpers below at
 * its real points, one line each; with the events off, a {@code begin...()} returns {@code null}
 * after one check of a flag the JIT folds ({@link Event#isEnabled()}), the event object it made does
 * not escape and is never allocated, and {@link #end} returns at once on {@code null}. Nothing is
 * recorded unless a {@link jdk.jfr.Recording} enables {@value #PREFIX}{@code *}.
 */
public final class Trace {

    /** The prefix of every event's name, e.g. {@code reactorworkbench.Read}. */
    public static final String PREFIX = "reactorworkbench.";

    /** The steps, in the order a request meets them; each is an event named {@link #PREFIX} + its name. */
    public static final String[] STEPS = {"Wait", "Accept", "Read", "Decode", "Handle", "HandOff", "Write",
            "Wakeup", "FanOut", "Spin"};

    private Trace() {
    }

    // ---- Connection ids ----------------------------------------------------------------------

    /** The id events carry for the connection whose peer is {@code remote}: the peer's port, 0 if unknown. */
    public static long connectionId(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getPort() : 0;
    }

    /** The id of a connected channel (the JDK keeps the peer's address: no system call). */
    public static long connectionId(NetworkChannel channel) {
        try {
            SocketAddress remote = channel instanceof AsynchronousSocketChannel a ? a.getRemoteAddress()
                    : channel instanceof java.nio.channels.SocketChannel s ? s.getRemoteAddress() : null;
            return connectionId(remote);
        } catch (IOException | RuntimeException e) {
            return 0; // closed already: the events of a connection that is gone carry no id
        }
    }

    /** The id of a connected blocking socket. */
    public static long connectionId(Socket socket) {
        return socket.getPort();
    }

    // ---- Spans: begin, then end with what was done ------------------------------------------

    /** A thread waits for something to do: a select, a park, a blocking read. */
    public static Step beginWait() {
        return begin(new Wait());
    }

    /** Bytes come in from one socket. */
    public static Step beginRead() {
        return begin(new Read());
    }

    /** Bytes read become frames (and, on a reactor that runs the handler inline, handled ones). */
    public static Step beginDecode() {
        return begin(new Decode());
    }

    /** Replies go out to one socket, several in one gathering write when several are queued. */
    public static Step beginWrite() {
        return begin(new Write());
    }

    /** Redis 6's main thread deals this turn's connections out to the I/O threads and does its own share. */
    public static Step beginFanOut() {
        return begin(new FanOut());
    }

    /** Redis 6's main thread spins until every I/O thread has finished its share. */
    public static Step beginSpin() {
        return begin(new Spin());
    }

    /**
     * Ends {@code step}, begun by one of the {@code begin...()} above on this thread, and records it.
     *
     * @param connection the connection's id ({@link #connectionId}), 0 for none
     * @param request    the request's sequence number on its connection, 0 for none
     * @param bytes      bytes read or written, 0 for none
     * @param count      frames decoded, replies gathered into one write, connections fanned out
     * @param what       what a wait waited in ({@code select}, {@code park}...), a phase ({@code read},
     *                   {@code write}); may be null
     */
    public static void end(Step step, long connection, long request, long bytes, int count, String what) {
        if (step == null) {
            return; // events off
        }
        step.end();
        if (step.shouldCommit()) {
            step.connection = connection;
            step.request = request;
            step.bytes = bytes;
            step.count = count;
            step.what = what;
            step.commit();
        }
    }

    /** Runs the handler for one request, recorded as a Handle span. */
    public static byte[] handle(Handler handler, byte[] frame, long connection, long request) {
        Step step = begin(new Handle());
        byte[] reply = handler.handle(frame);
        end(step, connection, request, frame.length, 1, null);
        return reply;
    }

    /** Runs the handler for one request lent as a view, its reply written into {@code reply}; a Handle span. */
    public static void handle(Handler handler, ByteBuffer frame, Reply reply, long connection, long request) {
        Step step = begin(new Handle());
        int length = frame.remaining();
        handler.handle(frame, reply);
        end(step, connection, request, length, 1, null);
    }

    // ---- Instants ----------------------------------------------------------------------------

    /** A connection was accepted by this thread. */
    public static void accept(long connection) {
        instant(new Accept(), connection, 0, 1, null);
    }

    /**
     * This thread hands work to {@code toThread} (a worker, an I/O thread, a loop): one request
     * ({@code request > 0}) or a share of {@code count} connections.
     */
    public static void handOff(long connection, long request, int count, String toThread) {
        instant(new HandOff(), connection, request, count, toThread);
    }

    /**
     * A read that was waited for apart (a blocking read, recorded as its Wait) or done elsewhere (a
     * proactor's completion: the JDK did the read before the handler ran): a Read with no duration.
     */
    public static void readCompleted(long connection, long bytes) {
        Step step = begin(new Read());
        end(step, connection, 0, bytes, 0, null);
    }

    /** A write done elsewhere completed on this thread (a proactor's completion): a Write with no duration. */
    public static void writeCompleted(long connection, long bytes) {
        Step step = begin(new Write());
        end(step, connection, 0, bytes, 0, null);
    }

    /** This thread woke {@code loop}'s selector (the first task of a batch pays for it). */
    public static void wakeup(String loop) {
        instant(new Wakeup(), 0, 0, 1, loop);
    }

    private static Step begin(Step step) {
        if (!step.isEnabled()) {
            return null;
        }
        step.begin();
        return step;
    }

    private static void instant(Step step, long connection, long request, int count, String what) {
        if (step.isEnabled()) {
            step.begin();
            end(step, connection, request, 0, count, what);
        }
    }

    // ---- The events --------------------------------------------------------------------------

    /** What every step records; the subclasses only name the step. */
    @Category("Reactor Workbench")
    @Enabled(false)
    @StackTrace(false)
    public abstract static class Step extends Event {
        @Label("Connection")
        @Description("The client's port")
        long connection;
        @Label("Request")
        @Description("The request's sequence number on its connection, from 1")
        long request;
        @Label("Bytes")
        @DataAmount
        long bytes;
        @Label("Count")
        @Description("Frames decoded, replies gathered, connections dealt out")
        int count;
        @Label("What")
        @Description("What was waited in, the phase, or the thread handed to")
        String what;
    }

    @Name(PREFIX + "Wait") @Label("Wait")
    static final class Wait extends Step {
    }

    @Name(PREFIX + "Accept") @Label("Accept")
    static final class Accept extends Step {
    }

    @Name(PREFIX + "Read") @Label("Read")
    static final class Read extends Step {
    }

    @Name(PREFIX + "Decode") @Label("Decode")
    static final class Decode extends Step {
    }

    @Name(PREFIX + "Handle") @Label("Handle")
    static final class Handle extends Step {
    }

    @Name(PREFIX + "HandOff") @Label("Hand-off")
    static final class HandOff extends Step {
    }

    @Name(PREFIX + "Write") @Label("Write")
    static final class Write extends Step {
    }

    @Name(PREFIX + "Wakeup") @Label("Wakeup")
    static final class Wakeup extends Step {
    }

    @Name(PREFIX + "FanOut") @Label("Fan-out")
    static final class FanOut extends Step {
    }

    @Name(PREFIX + "Spin") @Label("Spin")
    static final class Spin extends Step {
    }
}
