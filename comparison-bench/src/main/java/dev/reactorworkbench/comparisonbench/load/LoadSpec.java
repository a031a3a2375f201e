package dev.reactorworkbench.comparisonbench.load;

import dev.reactorworkbench.launcher.Units;

import java.time.Duration;
import java.util.Objects;

/**
 * What one load run does. Immutable; the compact constructor rejects an out-of-range value with a
 * message naming the field, so the command line and a JMH parameter get the same checks.
 *
 * @param host            server address (tests and benchmarks use 127.0.0.1)
 * @param port            server port
 * @param connections     TCP connections, spread round-robin over the client threads
 * @param depth           requests in flight per connection (the pipeline depth); in the open loop
 *                        it caps how far a connection may fall behind, see {@link LoadGenerator}
 * @param payload         payload bytes per request (the frame is 4 bytes longer)
 * @param rate            0 for the closed loop; otherwise the open loop's total requests per
 *                        second over all connections, on a fixed schedule
 * @param warmup          time run at full load before measuring; its replies are checked but not
 *                        counted
 * @param duration        the measured time after the warm-up
 * @param threads         client threads, each one Selector ({@code load-client-N}); at most
 *                        {@code connections}
 * @param maxRequests     0 for no limit; otherwise each connection sends at most this many
 *                        requests in the whole run (warm-up included) and the run ends early
 *                        once every connection has its replies: handy for tests and single-shot
 *                        benchmarks that want an exact count
 * @param drainTimeout    after the measured time, how long to wait for replies still owed; a
 *                        reply missing after it is a lost reply and fails the run
 * @param connectTimeout  how long one connect may take
 * @param protocol        length-prefixed echo frames, or RESP SET/GET commands ({@link RespRequests})
 */
public record LoadSpec(String host, int port, int connections, int depth, int payload, long rate,
                       Duration warmup, Duration duration, int threads, long maxRequests,
                       Duration drainTimeout, Duration connectTimeout, LoadProtocol protocol) {

    /** The largest payload the load generator sends: the protocol's default frame limit. */
    public static final int MAX_PAYLOAD = 1 << 20;

    public LoadSpec {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must be an address or name, was blank");
        }
        range("port", port, 1, 65_535);
        range("connections", connections, 1, 100_000);
        range("depth", depth, 1, 65_536);
        range("payload", payload, 0, MAX_PAYLOAD);
        range("rate", rate, 0, 100_000_000);
        range("threads", threads, 1, 1024);
        range("maxRequests", maxRequests, 0, Long.MAX_VALUE);
        if (threads > connections) {
            throw new IllegalArgumentException("threads must be at most connections (" + connections + "), was " + threads);
        }
        time("warmup", warmup, Duration.ZERO);
        time("duration", duration, Duration.ofMillis(1));
        time("drainTimeout", drainTimeout, Duration.ofMillis(1));
        time("connectTimeout", connectTimeout, Duration.ofMillis(1));
        Objects.requireNonNull(protocol, "protocol");
    }

    /** A run of length-prefixed echo frames. */
    public LoadSpec(String host, int port, int connections, int depth, int payload, long rate,
                    Duration warmup, Duration duration, int threads, long maxRequests,
                    Duration drainTimeout, Duration connectTimeout) {
        this(host, port, connections, depth, payload, rate, warmup, duration, threads, maxRequests, drainTimeout,
                connectTimeout, LoadProtocol.ECHO);
    }

    /** A closed-loop run with one thread, no warm-up, 5 s drain and connect timeouts; refine with the withers. */
    public static LoadSpec closedLoop(String host, int port, int connections, int depth, int payload, Duration duration) {
        return new LoadSpec(host, port, connections, depth, payload, 0, Duration.ZERO, duration, 1, 0,
                Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    /** An open-loop run at {@code rate} requests per second over all connections. */
    public static LoadSpec openLoop(String host, int port, int connections, int depth, int payload, long rate,
                                    Duration duration) {
        if (rate <= 0) {
            throw new IllegalArgumentException("rate must be positive for an open loop, was " + rate);
        }
        return closedLoop(host, port, connections, depth, payload, duration).withRate(rate);
    }

    public boolean openLoop() {
        return rate > 0;
    }

    public LoadSpec withRate(long rate) {
        return new LoadSpec(host, port, connections, depth, payload, rate, warmup, duration, threads, maxRequests,
                drainTimeout, connectTimeout, protocol);
    }

    public LoadSpec withWarmup(Duration warmup) {
        return new LoadSpec(host, port, connections, depth, payload, rate, warmup, duration, threads, maxRequests,
                drainTimeout, connectTimeout, protocol);
    }

    public LoadSpec withThreads(int threads) {
        return new LoadSpec(host, port, connections, depth, payload, rate, warmup, duration, threads, maxRequests,
                drainTimeout, connectTimeout, protocol);
    }

    public LoadSpec withMaxRequests(long maxRequests) {
        return new LoadSpec(host, port, connections, depth, payload, rate, warmup, duration, threads, maxRequests,
                drainTimeout, connectTimeout, protocol);
    }

    public LoadSpec withDrainTimeout(Duration drainTimeout) {
        return new LoadSpec(host, port, connections, depth, payload, rate, warmup, duration, threads, maxRequests,
                drainTimeout, connectTimeout, protocol);
    }

    /** The same run in another protocol. */
    public LoadSpec withProtocol(LoadProtocol protocol) {
        return new LoadSpec(host, port, connections, depth, payload, rate, warmup, duration, threads, maxRequests,
                drainTimeout, connectTimeout, protocol);
    }

    @Override
    public String toString() {
        return (openLoop() ? "open loop at " + Units.rate(rate) : "closed loop") + ", " + connections
                + " connections x depth " + depth + ", payload " + payload + " B, " + threads + " client thread"
                + (threads == 1 ? "" : "s") + ", warm-up " + Units.duration(warmup) + ", duration "
                + Units.duration(duration) + (maxRequests > 0 ? ", at most " + maxRequests + " requests per connection" : "")
                + (protocol == LoadProtocol.RESP ? ", RESP SET/GET" : "") + ", target " + host + ":" + port;
    }

    private static void range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be in " + min + ".." + max + ", was " + value);
        }
    }

    private static void time(String field, Duration value, Duration min) {
        Objects.requireNonNull(value, field);
        if (value.compareTo(min) < 0 || value.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException(field + " must be in " + min.toMillis() + " ms..1 day, was " + value);
        }
    }
}
