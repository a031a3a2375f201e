package dev.reactorworkbench.comparisonbench.reference;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;

/**
 * The Netty transports a reference server can run on. Each one is Netty's event loop over a
 * different readiness or completion API: the JDK's NIO Selector, Netty's own JNI epoll, and
 * io_uring. Only the {@link IoHandlerFactory} and the server channel class change; the pipeline is
 * the same.
 */
public enum NettyTransport {

    NIO("netty-nio", "Netty 4.2 on the JDK's NIO Selector (epoll underneath on Linux)") {
        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public String unavailabilityCause() {
            return "";
        }

        @Override
        IoHandlerFactory ioHandlerFactory() {
            return NioIoHandler.newFactory();
        }

        @Override
        Class<? extends ServerChannel> serverChannelClass() {
            return NioServerSocketChannel.class;
        }
    },

    EPOLL("netty-epoll", "Netty 4.2 on its native epoll transport (edge-triggered, JNI)") {
        @Override
        public boolean isAvailable() {
            return Epoll.isAvailable();
        }

        @Override
        public String unavailabilityCause() {
            return Epoll.isAvailable() ? "" : String.valueOf(Epoll.unavailabilityCause());
        }

        @Override
        IoHandlerFactory ioHandlerFactory() {
            return EpollIoHandler.newFactory();
        }

        @Override
        Class<? extends ServerChannel> serverChannelClass() {
            return EpollServerSocketChannel.class;
        }
    },

    IO_URING("netty-io_uring", "Netty 4.2 on its io_uring transport (completion based)") {
        @Override
        public boolean isAvailable() {
            return IoUring.isAvailable();
        }

        @Override
        public String unavailabilityCause() {
            return IoUring.isAvailable() ? "" : String.valueOf(IoUring.unavailabilityCause());
        }

        @Override
        IoHandlerFactory ioHandlerFactory() {
            return IoUringIoHandler.newFactory();
        }

        @Override
        Class<? extends ServerChannel> serverChannelClass() {
            return IoUringServerSocketChannel.class;
        }
    };

    private final String modelName;
    private final String description;

    NettyTransport(String modelName, String description) {
        this.modelName = modelName;
        this.description = description;
    }

    /** {@code netty-nio}, {@code netty-epoll} or {@code netty-io_uring}. */
    public String modelName() {
        return modelName;
    }

    public String description() {
        return description;
    }

    /** Whether this machine (kernel, architecture, sandbox) can run this transport. */
    public abstract boolean isAvailable();

    /** Why not, in Netty's words; empty when available. */
    public abstract String unavailabilityCause();

    abstract IoHandlerFactory ioHandlerFactory();

    abstract Class<? extends ServerChannel> serverChannelClass();
}
