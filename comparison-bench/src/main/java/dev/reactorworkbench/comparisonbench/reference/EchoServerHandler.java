package dev.reactorworkbench.comparisonbench.reference;

import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.Reply;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last handler of a reference server's pipeline: it gets whole frames from
 * {@code LengthFieldBasedFrameDecoder}, runs the workbench's {@link Handler} on each (the same
 * echo work the models do), and writes the reply for {@code LengthFieldPrepender} to frame. The
 * handler gets the frame as a view of Netty's pooled read buffer (no copy) and writes its reply
 * into a pooled direct buffer from the channel's allocator: the one copy the models' reactors
 * make too, the way a Netty application would use the workbench's handler.
 *
 * <p>Backpressure the Netty way, to match the models' water marks: the channel's
 * {@code WriteBufferWaterMark} turns {@code isWritable()} false once more reply bytes are queued
 * than the high mark; from then on the handler switches {@code autoRead} off so no more requests
 * are read, and {@code channelWritabilityChanged} switches it back on once the queue drains below
 * the low mark. Without this Netty would queue replies for a client that never reads without
 * limit.
 *
 * <p>On an executor ({@code netty-nio-executor}) the event loop keeps reading while the handler
 * works, so the frames handed over count towards the water marks too, as in the reactor + worker
 * pool model: {@link HandOffLimit}, on the event loop, adds each frame to {@code handedOff} and
 * stops reading past the high mark; this handler takes it off once the reply is written and
 * resumes reading when both the hand-off and the outbound buffer are back under the low mark.
 *
 * <p>One instance per connection; every method runs on that connection's event loop thread, or,
 * with an executor group, on the one executor thread Netty gives the connection.
 */
final class EchoServerHandler extends ChannelInboundHandlerAdapter {

    private final Handler handler;
    private final ServerStats stats;
    private final AtomicLong handedOff;   // null without an executor; + by HandOffLimit (event loop), - here
    private final long lowWater;
    private long reportedPending;   // this connection's queued reply bytes as last added to stats
    private final ByteBufReply reply = new ByteBufReply(); // lent to the handler during each call
    private ChannelFuture lastWrite;      // the latest reply's write since the last flush
    private ChannelHandlerContext context; // set in handlerAdded, for the two callbacks below
    private final Runnable resync = () -> {                               // on this handler's thread
        syncPending(context);
        resumeIfDrained(context);
    };
    private final ChannelFutureListener batchWritten = f -> context.executor().execute(resync);

    EchoServerHandler(Handler handler, ServerStats stats) {
        this(handler, stats, null, 0);
    }

    EchoServerHandler(Handler handler, ServerStats stats, AtomicLong handedOff, long lowWater) {
        this.handler = handler;
        this.stats = stats;
        this.handedOff = handedOff;
        this.lowWater = lowWater;
    }

    // tag::echo[]
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        int requestLength = frame.readableBytes();
        stats.messageIn();
        ByteBuf out = ctx.alloc().ioBuffer(requestLength); // pooled, direct where the transport wants it
        try {
            // The frame as a read-only view of the bytes Netty read (as the models lend it), the
            // reply straight into the pooled buffer.
            reply.out = out;
            handler.handle(frame.nioBuffer().asReadOnlyBuffer(), reply);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        } finally {
            reply.out = null;
            frame.release();
        }
        int replyLength = out.readableBytes();
        lastWrite = ctx.write(out);
        stats.messageOut();
        stats.bytesOut(LengthPrefixedCodec.HEADER + replyLength);
        // The frame's reply is written: it no longer counts as handed over.
        long stillHandedOff = handedOff == null ? 0 : handedOff.addAndGet(-(LengthPrefixedCodec.HEADER + requestLength));
        // Past the high water mark: stop reading requests until the client catches up.
        if (!ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(false);
        } else if (handedOff != null && stillHandedOff + queuedBytes(ctx.channel()) <= lowWater
                && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true); // the hand-off drained below the low mark
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush(); // one flush per batch of reads: a gathering write of every reply
        syncPending(ctx);
        if (lastWrite != null) {
            // Sample again once the batch's last reply is out: a queue that drains without
            // crossing a water mark gets no event from Netty. As a task, because the write's
            // listener runs before Netty takes the written bytes off its pending count.
            lastWrite.addListener(batchWritten);
            lastWrite = null;
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(drained(ctx.channel(), handedOff, lowWater));
        syncPending(ctx);
        ctx.fireChannelWritabilityChanged();
    }
    // end::echo[]

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            stats.idleClose();
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException) {
            // An oversized length: a protocol error. Stop reading, send the replies already
            // written, close this connection only.
            stats.protocolError();
            ctx.channel().config().setAutoRead(false);
            NettyReferenceServer.flushThenClose(ctx.channel());
        } else {
            ctx.close(); // a reset or another I/O error: nothing more can be sent
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stats.outboundPending(-reportedPending);
        reportedPending = 0;
        ctx.fireChannelInactive();
    }

    /** The handler's {@link Reply}: appends to the pooled buffer of the call in progress, which grows as needed. */
    private static final class ByteBufReply implements Reply {
        private ByteBuf out; // set only during a handler call, on this connection's thread

        @Override
        public void write(ByteBuffer src) {
            target().writeBytes(src);
        }

        @Override
        public void write(byte[] bytes) {
            target().writeBytes(bytes);
        }

        private ByteBuf target() {
            if (out == null) {
                throw new IllegalStateException("a Reply is valid only during the handler call it was passed to");
            }
            return out;
        }
    }

    /**
     * Whether {@code channel} may be read again: it is writable and, with an executor
     * ({@code handedOff} not null), its replies queued and frames handed over are back under the low
     * water mark. Any thread.
     */
    static boolean drained(Channel channel, AtomicLong handedOff, long lowWater) {
        return channel.isWritable() && (handedOff == null || handedOff.get() + queuedBytes(channel) <= lowWater);
    }

    /** Reply bytes queued in the channel's outbound buffer (a volatile count: any thread may read it). */
    static long queuedBytes(Channel channel) {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /**
     * Reading was switched off at the high water mark and the queue has since drained below the low
     * one without Netty saying so: with an executor, the hand-off count can fall after the last
     * {@code channelRead} looked, and the outbound bytes can drain without crossing a water mark
     * (no {@code channelWritabilityChanged}). Without this look a connection could stop being read
     * for good (seen once: a pipelined burst, then a frame sent byte by byte never got its reply).
     * Not on a channel being closed (shutdown or a protocol error): it must stay unread.
     */
    private void resumeIfDrained(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        if (!channel.config().isAutoRead() && !channel.hasAttr(NettyReferenceServer.CLOSING)
                && drained(channel, handedOff, lowWater)) {
            channel.config().setAutoRead(true);
        }
    }

    /**
     * Brings the outbound-pending gauge up to date with Netty's outbound buffer.
     * NOTE: sampled, not exact: Netty reports no event when a queue drains without crossing the
     * low water mark, so between samples the gauge may show up to the low mark of a connection
     * that has in fact been written out; a sample after each batch's last reply is written (see
     * channelReadComplete) brings it back to 0 once everything is out.
     */
    private void syncPending(ChannelHandlerContext ctx) {
        long now = queuedBytes(ctx.channel());
        stats.outboundPending(now - reportedPending);
        reportedPending = now;
    }
}
