package dev.reactorworkbench.echoprotocol.server;

/** What {@code jconsole} shows for a running model (MBean {@code dev.reactorworkbench:type=ServerStats,...}). */
public interface ServerStatsMXBean {
    long getConnectionsOpen();
    long getConnectionsAccepted();
    long getConnectionsRejected();
    long getMessagesIn();
    long getMessagesOut();
    long getBytesIn();
    long getBytesOut();
    long getProtocolErrors();
    long getIdleCloses();
    long getOutboundBytesPending();
    long getOutboundBytesPendingPeak();
}
