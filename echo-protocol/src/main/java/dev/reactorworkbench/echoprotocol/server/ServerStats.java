package dev.reactorworkbench.echoprotocol.server;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The counters every model keeps. Safe to update from any thread: event counters are
 * {@link LongAdder}s (cheap under contention), the two gauges are atomics.
 *
 * <p>{@code outboundBytesPending} is the sum over all connections of reply bytes the server holds
 * but has not yet written to a socket (queued, or handed to a worker and not yet back); its peak
 * is how the conformance kit checks that a client that never reads cannot make the server buffer
 * without limit.
 */
public final class ServerStats implements ServerStatsMXBean {

    private final AtomicLong connectionsOpen = new AtomicLong();
    private final LongAdder connectionsAccepted = new LongAdder();
    private final LongAdder connectionsRejected = new LongAdder();
    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder messagesOut = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder protocolErrors = new LongAdder();
    private final LongAdder idleCloses = new LongAdder();
    private final AtomicLong outboundPending = new AtomicLong();
    private final AtomicLong outboundPendingPeak = new AtomicLong();

    /** A connection was accepted and is now open. */
    public void connectionOpened() {
        connectionsAccepted.increment();
        connectionsOpen.incrementAndGet();
    }

    /** An open connection was closed, for whatever reason. Call exactly once per opened connection. */
    public void connectionClosed() {
        connectionsOpen.decrementAndGet();
    }

    /** A connection over the limit was accepted and closed at once (not counted as open). */
    public void connectionRejected() {
        connectionsRejected.increment();
    }

    public void bytesIn(long n) {
        bytesIn.add(n);
    }

    public void messageIn() {
        messagesIn.increment();
    }

    public void messageOut() {
        messagesOut.increment();
    }

    public void bytesOut(long n) {
        bytesOut.add(n);
    }

    public void protocolError() {
        protocolErrors.increment();
    }

    public void idleClose() {
        idleCloses.increment();
    }

    /** The server now holds {@code delta} more (or, if negative, fewer) unwritten reply bytes. */
    public void outboundPending(long delta) {
        long now = outboundPending.addAndGet(delta);
        if (delta > 0) {
            outboundPendingPeak.accumulateAndGet(now, Math::max);
        }
    }

    /** Forgets the peak, so a test can measure one scenario's peak on its own. */
    public void resetOutboundPendingPeak() {
        outboundPendingPeak.set(outboundPending.get());
    }

    @Override public long getConnectionsOpen() { return connectionsOpen.get(); }
    @Override public long getConnectionsAccepted() { return connectionsAccepted.sum(); }
    @Override public long getConnectionsRejected() { return connectionsRejected.sum(); }
    @Override public long getMessagesIn() { return messagesIn.sum(); }
    @Override public long getMessagesOut() { return messagesOut.sum(); }
    @Override public long getBytesIn() { return bytesIn.sum(); }
    @Override public long getBytesOut() { return bytesOut.sum(); }
    @Override public long getProtocolErrors() { return protocolErrors.sum(); }
    @Override public long getIdleCloses() { return idleCloses.sum(); }
    @Override public long getOutboundBytesPending() { return outboundPending.get(); }
    @Override public long getOutboundBytesPendingPeak() { return outboundPendingPeak.get(); }

    /** All counters read at one moment (each read is atomic, the set is not). */
    public Snapshot snapshot() {
        return new Snapshot(System.nanoTime(), getConnectionsOpen(), getConnectionsAccepted(), getConnectionsRejected(),
                getMessagesIn(), getMessagesOut(), getBytesIn(), getBytesOut(), getProtocolErrors(), getIdleCloses(),
                getOutboundBytesPending());
    }

    public record Snapshot(long atNanos, long connectionsOpen, long connectionsAccepted, long connectionsRejected,
                           long messagesIn, long messagesOut, long bytesIn, long bytesOut, long protocolErrors,
                           long idleCloses, long outboundBytesPending) {
    }

    /**
     * Publishes these stats as an MBean named {@code dev.reactorworkbench:type=ServerStats,model=M,port=P}
     * so {@code jconsole} can watch a running model. Close the result to unpublish.
     */
    public AutoCloseable publish(String model, int port) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            ObjectName name = new ObjectName("dev.reactorworkbench:type=ServerStats,model=" + model + ",port=" + port);
            server.registerMBean(this, name);
            return () -> {
                if (server.isRegistered(name)) {
                    server.unregisterMBean(name);
                }
            };
        } catch (JMException e) {
            throw new IllegalStateException("cannot publish stats over JMX: " + e.getMessage(), e);
        }
    }
}
