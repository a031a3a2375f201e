package dev.reactorworkbench.comparisonbench.reference;

import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.servercore.lifecycle.ServerLog;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A running Netty reference server: Netty's boss/worker groups (the multi-reactor model, done by
 * the library) with the workbench's protocol and limits, so it can stand in the same table as the
 * models.
 */
final class NettyReferenceServer implements RunningServer {

    /** How long {@link #close()} lets connections flush their replies before closing them anyway. */
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    private final Channel serverChannel;
    private final InetSocketAddress address;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final NettyThreads bossThreads;
    private final NettyThreads workerThreads;
    private final EventExecutorGroup executors;     // null unless the handler runs off the event loop
    private final NettyThreads executorThreads;
    private final ChannelGroup connections;   // thread-safe; a closed channel removes itself
    private final ServerStats stats;
    private final Duration drainTimeout;      // the models' one drain timeout (--drain-timeout)
    private final AtomicBoolean closed = new AtomicBoolean();

    private NettyReferenceServer(Channel serverChannel, EventLoopGroup boss, EventLoopGroup workers,
                                 NettyThreads bossThreads, NettyThreads workerThreads, EventExecutorGroup executors,
                                 NettyThreads executorThreads, ChannelGroup connections, ServerStats stats,
                                 Duration drainTimeout) {
        this.serverChannel = serverChannel;
        this.address = (InetSocketAddress) serverChannel.localAddress();
        this.boss = boss;
        this.workers = workers;
        this.bossThreads = bossThreads;
        this.workerThreads = workerThreads;
        this.executors = executors;
        this.executorThreads = executorThreads;
        this.connections = connections;
        this.stats = stats;
        this.drainTimeout = drainTimeout;
    }

    // tag::bootstrap[]
    static NettyReferenceServer start(NettyTransport transport, ServerConfig config, boolean executor) throws IOException {
        // 0. The models' logging rule: everything logging needs is loaded now, so Netty's own log line
        //    when accept fails for want of descriptors needs no new one.
        ServerLog.ready();
        // 1. The event loops: one boss accepts, N workers own the connections. With an executor
        //    group, one worker loop does all the I/O and the N threads run the handler, as the
        //    reactor + worker pool model does.
        NettyThreads bossThreads = new NettyThreads("netty-boss", false);
        NettyThreads workerThreads = new NettyThreads("netty-worker", true);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, bossThreads, transport.ioHandlerFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(executor ? 1 : config.threadsOrCores(), workerThreads,
                transport.ioHandlerFactory());
        NettyThreads executorThreads = executor ? new NettyThreads("netty-executor", true) : null;
        EventExecutorGroup executors = executor ? new DefaultEventExecutorGroup(config.threadsOrCores(), executorThreads) : null;
        ServerStats stats = new ServerStats();
        // ImmediateEventExecutor: the group's own futures need no thread.
        ChannelGroup connections = new DefaultChannelGroup("reference-connections", ImmediateEventExecutor.INSTANCE);
        ChannelHandler bytesIn = new BytesInCounter(stats);
        ChannelHandler prepender = new LengthFieldPrepender(LengthPrefixedCodec.HEADER);

        // 2. The same limits as the models: backlog, water marks, max connections, idle timeout,
        //    frame limit. Netty's frame limit counts the 4-byte prefix, the protocol's does not.
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, config.backlog())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(config.writeLowWaterMark(), config.writeHighWaterMark()))
                .handler(new ConnectionLimit(config.maxConnections(), stats, connections))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        p.addLast("bytes-in", bytesIn);
                        if (!config.idleTimeout().isZero()) {
                            p.addLast("idle", new IdleStateHandler(0, 0, config.idleTimeout().toNanos(), TimeUnit.NANOSECONDS));
                        }
                        p.addLast("frame-decoder", new LengthFieldBasedFrameDecoder(
                                config.maxFrameLength() + LengthPrefixedCodec.HEADER, 0, LengthPrefixedCodec.HEADER,
                                0, LengthPrefixedCodec.HEADER));
                        p.addLast("frame-encoder", prepender);
                        // The handler on an executor: Netty hands each connection's events to one
                        // executor thread of the group, in order, and its writes back to the loop.
                        if (executors == null) {
                            p.addLast("echo", new EchoServerHandler(config.handler(), stats));
                        } else {
                            AtomicLong handedOff = new AtomicLong();
                            p.addLast("hand-off-limit", new HandOffLimit(handedOff, config.writeHighWaterMark(),
                                    config.writeLowWaterMark()));
                            p.addLast(executors, "echo", new EchoServerHandler(config.handler(), stats, handedOff,
                                    config.writeLowWaterMark()));
                        }
                    }
                });

        // 3. Bind; on failure shut the loops down again before saying why.
        ChannelFuture bind = bootstrap.bind(config.host(), config.port()).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            shutdown(boss, workers, bossThreads, workerThreads, executors, executorThreads);
            throw bindFailure(config, bind.cause());
        }
        return new NettyReferenceServer(bind.channel(), boss, workers, bossThreads, workerThreads, executors,
                executorThreads, connections, stats, config.drainTimeout());
    }
    // end::bootstrap[]

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public ServerStats stats() {
        return stats;
    }

    /** Set on a channel that is being closed (shutdown, protocol error): nothing turns reading back on. */
    static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf("reactorworkbench.closing");

    // tag::close[]
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // 1. Stop accepting.
        serverChannel.close().awaitUninterruptibly();
        // 2. Stop reading, flush every reply already written, then close; bounded by the drain
        //    timeout for clients that do not read.
        List<Channel> open = new ArrayList<>(connections);
        for (Channel ch : open) {
            ch.eventLoop().execute(() -> {
                ch.config().setAutoRead(false);
                flushThenClose(ch);
            });
        }
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        for (Channel ch : open) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!ch.closeFuture().awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(left))) {
                ch.close();
            }
        }
        // 3. Shut the event loops (and the executors) down and join their threads.
        shutdown(boss, workers, bossThreads, workerThreads, executors, executorThreads);
    }
    // end::close[]

    /**
     * Closes {@code ch} once everything written to it so far has reached the socket. The empty
     * buffer is written from the first handler's context, straight to the transport, so the frame
     * encoder does not turn it into an empty frame.
     */
    static void flushThenClose(Channel ch) {
        ch.attr(CLOSING).set(Boolean.TRUE); // reading stays off from here on (EchoServerHandler)
        ChannelHandlerContext first = ch.pipeline().firstContext();
        if (first == null) {
            ch.close();
        } else {
            first.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static void shutdown(EventLoopGroup boss, EventLoopGroup workers, NettyThreads bossThreads,
                                 NettyThreads workerThreads, EventExecutorGroup executors, NettyThreads executorThreads) {
        // Quiet period 0: nothing is left to wait for once connections are closed.
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (executors != null) {
            executors.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        boolean interrupted = false;
        try {
            boss.terminationFuture().await(SHUTDOWN_TIMEOUT.toMillis());
            workers.terminationFuture().await(SHUTDOWN_TIMEOUT.toMillis());
            if (executors != null) {
                executors.terminationFuture().await(SHUTDOWN_TIMEOUT.toMillis());
            }
            if (!bossThreads.join(SHUTDOWN_TIMEOUT) || !workerThreads.join(SHUTDOWN_TIMEOUT)
                    || (executorThreads != null && !executorThreads.join(SHUTDOWN_TIMEOUT))) {
                throw new IllegalStateException("Netty event loop threads still alive "
                        + SHUTDOWN_TIMEOUT.toSeconds() + " s after shutdown");
            }
            // NOTE: a group learns that its loops ended through listeners that Netty runs on its
            // process-wide GlobalEventExecutor, whose thread starts for them and stops on its own
            // about a second later. Wait for that too, so that no thread this server caused
            // outlives close(); it is what makes close() take about a second.
            GlobalEventExecutor.INSTANCE.awaitInactivity(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static IOException bindFailure(ServerConfig config, Throwable cause) {
        if (cause instanceof BindException bind) {
            return bind;
        }
        String message = String.valueOf(cause.getMessage());
        if (message.contains("Address already in use")) {
            BindException bind = new BindException("port " + config.port() + " is in use: " + message);
            bind.initCause(cause);
            return bind;
        }
        return cause instanceof IOException io ? io
                : new IOException("cannot bind " + config.host() + ":" + config.port() + ": " + cause, cause);
    }

    /**
     * On the server channel, so on the boss thread, in accept order: counts each accepted
     * connection, and closes it at once when it would exceed the limit. (Counting in the child's
     * initializer instead would race: children register on different worker threads.)
     */
    private static final class ConnectionLimit extends ChannelInboundHandlerAdapter {
        private final int max;
        private final ServerStats stats;
        private final ChannelGroup connections;
        private final AtomicInteger open = new AtomicInteger(); // +1 on the boss, -1 on a worker

        ConnectionLimit(int max, ServerStats stats, ChannelGroup connections) {
            this.max = max;
            this.stats = stats;
            this.connections = connections;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel child = (Channel) msg;
            if (open.incrementAndGet() > max) {
                open.decrementAndGet();
                stats.connectionRejected();
                child.unsafe().closeForcibly(); // not registered with a loop yet: close the socket now
                return;
            }
            stats.connectionOpened();
            connections.add(child);
            child.closeFuture().addListener(f -> {
                open.decrementAndGet();
                stats.connectionClosed();
            });
            ctx.fireChannelRead(child); // on to Netty's acceptor, which registers it with a worker
        }
    }

    /** First in every pipeline: counts the bytes read, before any decoding. */
    @ChannelHandler.Sharable
    private static final class BytesInCounter extends ChannelInboundHandlerAdapter {
        private final ServerStats stats;

        BytesInCounter(ServerStats stats) {
            this.stats = stats;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                stats.bytesIn(buf.readableBytes());
            }
            ctx.fireChannelRead(msg);
        }
    }
}
