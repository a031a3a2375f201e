package dev.reactorworkbench.comparisonbench.reference;

import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.concurrent.atomic.AtomicLong;

/**
 * On the event loop, just before a handler that runs on an executor group: counts each frame
 * handed over towards the connection's write water mark, and stops reading the connection once
 * the bytes handed over plus the reply bytes queued for the socket pass {@code highWater}: one
 * mark for both, as the reactor + worker pool model has.
 * Without it the loop reads as fast as the client sends while the executor falls behind, and the
 * queue of handed-over frames has no bound. {@link EchoServerHandler} takes each frame off the
 * count once its reply is written and resumes reading. One instance per connection.
 */
final class HandOffLimit extends ChannelInboundHandlerAdapter {

    private final AtomicLong handedOff;   // + here (event loop), - by EchoServerHandler (executor)
    private final long highWater;
    private final long lowWater;

    HandOffLimit(AtomicLong handedOff, long highWater, long lowWater) {
        this.handedOff = handedOff;
        this.highWater = highWater;
        this.lowWater = lowWater;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf frame && handedOff.addAndGet(LengthPrefixedCodec.HEADER + frame.readableBytes())
                + EchoServerHandler.queuedBytes(ctx.channel()) > highWater) {
            ctx.channel().config().setAutoRead(false);
            // The executor may have drained everything between the count and the switch above,
            // and then saw reading still on: nobody would switch it back. Look again.
            if (EchoServerHandler.drained(ctx.channel(), handedOff, lowWater)) {
                ctx.channel().config().setAutoRead(true);
            }
        }
        ctx.fireChannelRead(msg);
    }
}
