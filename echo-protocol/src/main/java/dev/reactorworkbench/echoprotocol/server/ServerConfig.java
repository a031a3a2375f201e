package dev.reactorworkbench.echoprotocol.server;

import dev.reactorworkbench.echoprotocol.codec.Codec;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a model needs to start. Immutable; built with {@link #builder()}, whose setters reject
 * an invalid value at once with a message naming the field and the allowed range.
 */
public final class ServerConfig {

    /** One mebibyte, the default frame limit. */
    public static final int MIB = 1 << 20;

    /** The one default drain timeout of every model ({@code --drain-timeout}). */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);

    private final String host;
    private final int port;
    private final Codec codec;
    private final Handler handler;
    private final int threads;
    private final int maxFrameLength;
    private final Duration idleTimeout;
    private final Duration drainTimeout;
    private final int writeHighWaterMark;
    private final int writeLowWaterMark;
    private final int maxConnections;
    private final int backlog;
    private final Map<String, String> options;

    private ServerConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.codec = b.codec;
        this.handler = b.handler;
        this.threads = b.threads;
        this.maxFrameLength = b.maxFrameLength;
        this.idleTimeout = b.idleTimeout;
        this.drainTimeout = b.drainTimeout;
        this.writeHighWaterMark = b.writeHighWaterMark;
        this.writeLowWaterMark = b.writeLowWaterMark;
        this.maxConnections = b.maxConnections;
        this.backlog = b.backlog;
        this.options = Map.copyOf(b.options);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, to derive a variant. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.codec = codec;
        b.handler = handler;
        b.threads = threads;
        b.maxFrameLength = maxFrameLength;
        b.idleTimeout = idleTimeout;
        b.drainTimeout = drainTimeout;
        b.writeHighWaterMark = writeHighWaterMark;
        b.writeLowWaterMark = writeLowWaterMark;
        b.maxConnections = maxConnections;
        b.backlog = backlog;
        b.options.putAll(options);
        return b;
    }

    /** Address to bind; {@code 127.0.0.1} by default, {@code 0.0.0.0} for every interface. */
    public String host() {
        return host;
    }

    /** Port to bind; 0 picks a free ephemeral port ({@link RunningServer#port()} tells which). */
    public int port() {
        return port;
    }

    public Codec codec() {
        return codec;
    }

    public Handler handler() {
        return handler;
    }

    /** The size of the model's main pool as asked on the command line; 0 means "model default". */
    public int threads() {
        return threads;
    }

    /** {@link #threads()} if set, else the number of cores. */
    public int threadsOrCores() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    public int maxFrameLength() {
        return maxFrameLength;
    }

    /**
     * How long {@code close()} waits for replies already owed to be written before it closes the
     * connections anyway (a peer that never reads cannot hold a server open). One policy for
     * every model; {@link Duration#ZERO} closes at once.
     */
    public Duration drainTimeout() {
        return drainTimeout;
    }

    /** Connections silent for this long are closed; {@link Duration#ZERO} disables the check. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** Above this many queued outbound bytes a connection stops being read. */
    public int writeHighWaterMark() {
        return writeHighWaterMark;
    }

    /** Below this many queued outbound bytes a connection is read again. */
    public int writeLowWaterMark() {
        return writeLowWaterMark;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public int backlog() {
        return backlog;
    }

    /** A model-specific flag's value as given, or null when absent. */
    public String option(String name) {
        return options.get(name);
    }

    public Map<String, String> options() {
        return options;
    }

    /**
     * A model-specific integer flag, or {@code fallback} when absent.
     *
     * @throws IllegalArgumentException naming the flag and the range when the value is not an
     *                                  integer in {@code min..max}
     */
    public int intOption(String name, int fallback, int min, int max) {
        String raw = options.get(name);
        if (raw == null) {
            return fallback;
        }
        int value;
        try {
            value = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer in " + min + ".." + max + ", was '" + raw + "'");
        }
        return Builder.checkRange(name, value, min, max);
    }

    @Override
    public String toString() {
        return "host=" + host + " port=" + port + " codec=" + codec.name() + " handler=" + handler
                + " threads=" + (threads == 0 ? "default" : threads) + " maxFrameLength=" + maxFrameLength
                + " idleTimeout=" + idleTimeout + " drainTimeout=" + drainTimeout + " writeWaterMarks=" + writeLowWaterMark + ".." + writeHighWaterMark
                + " maxConnections=" + maxConnections + " backlog=" + backlog
                + (options.isEmpty() ? "" : " options=" + options);
    }

    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 7000;
        private Codec codec = LengthPrefixedCodec.INSTANCE;
        private Handler handler = new EchoHandler(0);
        private int threads = 0;
        private int maxFrameLength = MIB;
        private Duration idleTimeout = Duration.ofMinutes(5);
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private int writeHighWaterMark = 64 * 1024;
        private int writeLowWaterMark = 32 * 1024;
        private int maxConnections = 10_000;
        private int backlog = 1024;
        private final Map<String, String> options = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder host(String host) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must be an address or name, was blank");
            }
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = checkRange("port", port, 0, 65_535);
            return this;
        }

        public Builder codec(Codec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        public Builder handler(Handler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** 0 = the model's default (usually the number of cores). */
        public Builder threads(int threads) {
            this.threads = checkRange("threads", threads, 0, 1024);
            return this;
        }

        public Builder maxFrameLength(int maxFrameLength) {
            this.maxFrameLength = checkRange("maxFrameLength", maxFrameLength, 1, 64 * MIB);
            return this;
        }

        public Builder idleTimeout(Duration idleTimeout) {
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            if (idleTimeout.isNegative() || idleTimeout.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("idleTimeout must be in 0s..1d (0 disables it), was " + idleTimeout);
            }
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** Sets both marks; the low mark must be below the high one. */
        public Builder drainTimeout(Duration drainTimeout) {
            Objects.requireNonNull(drainTimeout, "drainTimeout");
            if (drainTimeout.isNegative() || drainTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("drainTimeout must be in 0s..10m (0 closes at once), was " + drainTimeout);
            }
            this.drainTimeout = drainTimeout;
            return this;
        }

        public Builder writeWaterMarks(int low, int high) {
            checkRange("writeHighWaterMark", high, 1, 256 * MIB);
            checkRange("writeLowWaterMark", low, 0, high - 1);
            this.writeLowWaterMark = low;
            this.writeHighWaterMark = high;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = checkRange("maxConnections", maxConnections, 1, 1_000_000);
            return this;
        }

        public Builder backlog(int backlog) {
            this.backlog = checkRange("backlog", backlog, 1, 65_535);
            return this;
        }

        /** A model-specific flag (e.g. {@code workers}); the model validates it on start. */
        public Builder option(String name, String value) {
            Objects.requireNonNull(name, "option name");
            if (value == null) {
                options.remove(name);
            } else {
                options.put(name, value);
            }
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(this);
        }

        static int checkRange(String field, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(field + " must be in " + min + ".." + max + ", was " + value);
            }
            return value;
        }
    }
}
