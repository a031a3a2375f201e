package dev.reactorworkbench.echoprotocol.resp;

import dev.reactorworkbench.echoprotocol.codec.Codec;
import dev.reactorworkbench.echoprotocol.codec.RespCodec;
import dev.reactorworkbench.echoprotocol.server.EchoHandler;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.Reply;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A small Redis: the handler behind {@code --codec resp}. It runs the commands that
 * {@code redis-cli} and {@code redis-benchmark} need over one {@link Keyspace}, and answers as
 * Redis 7 does, errors worded alike:
 * {@code PING [msg]}, {@code ECHO msg}, {@code SET key value}, {@code GET key}, {@code DEL key...},
 * {@code EXISTS key...}, {@code INCR key}, {@code DBSIZE}, {@code FLUSHALL [ASYNC|SYNC]},
 * {@code CONFIG GET pattern...}, {@code COMMAND}, {@code COMMAND DOCS}, {@code COMMAND COUNT} and
 * {@code QUIT}. With {@code work > 0} each command first burns that much CPU, as the echo handler
 * does, so the models can be compared when commands are not free.
 *
 * <p>Thread safety is the keyspace's: {@link #forModel} gives a model whose handler runs on one
 * thread a {@link PlainKeyspace}, and any other a {@link ConcurrentKeyspace}. The handler itself
 * keeps no other state.
 *
 * <p>NOTE: {@code SET} takes no options (NX, XX, EX...: "syntax error", where Redis would accept
 * them), there are no expiries, no other data types and one database; {@code COMMAND} and
 * {@code COMMAND DOCS} answer an empty array, which is enough for {@code redis-cli} 7 (it then
 * shows no argument hints).
 */
public final class KeyspaceHandler implements Handler {

    private final Keyspace keyspace;
    private final EchoHandler work; // burns the configured CPU per command

    public KeyspaceHandler(Keyspace keyspace, long workMicros) {
        this.keyspace = keyspace;
        this.work = new EchoHandler(workMicros);
    }

    /** The CPU burnt per command, in microseconds ({@code --work}). */
    public long workMicros() {
        return work.workMicros();
    }

    // tag::for-model[]
    /** The keyspace the model's threading calls for: a plain map for one thread, else a concurrent one. */
    public static KeyspaceHandler forModel(ServerModel model, long workMicros) {
        Keyspace keyspace = model.handlerThreads() == ServerModel.HandlerThreads.ONE
                ? new PlainKeyspace()
                : new ConcurrentKeyspace();
        return new KeyspaceHandler(keyspace, workMicros);
    }
    // end::for-model[]

    /**
     * The handler a server speaking {@code codec} runs: this keyspace for {@code resp} (chosen by
     * {@link #forModel}), the echo handler for every other codec. The launcher, the tests and the
     * benchmarks all start servers through it, so a RESP server always gets the keyspace its
     * model's threading calls for.
     */
    public static Handler forCodec(Codec codec, ServerModel model, long workMicros) {
        return codec == RespCodec.INSTANCE ? forModel(model, workMicros) : new EchoHandler(workMicros);
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    /**
     * NOTE: RESP is not the path this workbench measures, so the keyspace parses an array of its
     * own: the command is copied out of the frame, and each reply is a new array.
     */
    @Override
    public void handle(ByteBuffer frame, Reply reply) {
        reply.write(handle(Handler.copyOf(frame)));
    }

    @Override
    public byte[] handle(byte[] frame) {
        if (work.workMicros() > 0) {
            work.spendWork(ByteBuffer.wrap(frame));
        }
        byte[][] args = RespCodec.arguments(frame);
        String name = new String(args[0], StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        try {
            return switch (name) {
                case "ping" -> args.length == 1 ? Replies.PONG : args.length == 2 ? Replies.bulk(args[1]) : wrongArity(name);
                case "echo" -> args.length == 2 ? Replies.bulk(args[1]) : wrongArity(name);
                case "set" -> set(args);
                case "get" -> args.length == 2 ? Replies.bulk(keyspace.get(key(args[1]))) : wrongArity(name);
                case "del" -> args.length >= 2 ? Replies.integer(del(args)) : wrongArity(name);
                case "exists" -> args.length >= 2 ? Replies.integer(exists(args)) : wrongArity(name);
                case "incr" -> args.length == 2 ? Replies.integer(keyspace.incr(key(args[1]))) : wrongArity(name);
                case "dbsize" -> args.length == 1 ? Replies.integer(keyspace.size()) : wrongArity(name);
                case "flushall" -> flushAll(args);
                case "config" -> config(args);
                case "command" -> command(args);
                case "quit" -> Replies.OK; // the codec closes the connection after this reply
                default -> unknownCommand(args);
            };
        } catch (Keyspace.NotAnIntegerException e) {
            return Replies.error("value is not an integer or out of range");
        } catch (ArithmeticException e) {
            return Replies.error("increment or decrement would overflow");
        }
    }

    private byte[] set(byte[][] args) {
        if (args.length < 3) {
            return wrongArity("set");
        }
        if (args.length > 3) {
            return Replies.error("syntax error"); // NOTE: no NX/XX/EX/PX/KEEPTTL/GET options
        }
        keyspace.set(key(args[1]), args[2]);
        return Replies.OK;
    }

    private long del(byte[][] args) {
        long removed = 0;
        for (int i = 1; i < args.length; i++) {
            if (keyspace.delete(key(args[i]))) {
                removed++;
            }
        }
        return removed;
    }

    /** Counts a key named twice twice, as Redis does. */
    private long exists(byte[][] args) {
        long found = 0;
        for (int i = 1; i < args.length; i++) {
            if (keyspace.exists(key(args[i]))) {
                found++;
            }
        }
        return found;
    }

    private byte[] flushAll(byte[][] args) {
        if (args.length > 2 || (args.length == 2 && !text(args[1]).equalsIgnoreCase("async")
                && !text(args[1]).equalsIgnoreCase("sync"))) {
            return Replies.error("syntax error");
        }
        keyspace.clear();
        return Replies.OK;
    }

    /**
     * {@code CONFIG GET pattern...}: {@code redis-benchmark} asks for {@code save} and
     * {@code appendonly} before it starts. These two are answered as a Redis without persistence
     * answers them; any other parameter is unknown here (an empty array, as Redis answers for an
     * unknown name).
     */
    private byte[] config(byte[][] args) {
        if (args.length < 2) {
            return wrongArity("config");
        }
        String sub = text(args[1]);
        if (!sub.equalsIgnoreCase("get")) {
            return Replies.error("unknown subcommand '" + truncate(sub) + "'. Try CONFIG HELP.");
        }
        if (args.length < 3) {
            return wrongArity("config|get");
        }
        boolean save = false;
        boolean appendOnly = false;
        for (int i = 2; i < args.length; i++) {
            String pattern = text(args[i]);
            save |= Glob.matches(pattern, "save");
            appendOnly |= Glob.matches(pattern, "appendonly");
        }
        if (save && appendOnly) {
            return Replies.array(Replies.ascii("save"), new byte[0], Replies.ascii("appendonly"), Replies.ascii("no"));
        }
        if (save) {
            return Replies.array(Replies.ascii("save"), new byte[0]);
        }
        if (appendOnly) {
            return Replies.array(Replies.ascii("appendonly"), Replies.ascii("no"));
        }
        return Replies.EMPTY_ARRAY;
    }

    /** {@code COMMAND}, {@code COMMAND DOCS}, {@code COMMAND COUNT}: just what {@code redis-cli} asks. */
    private byte[] command(byte[][] args) {
        if (args.length == 1) {
            return Replies.EMPTY_ARRAY;
        }
        String sub = text(args[1]);
        if (sub.equalsIgnoreCase("docs")) {
            return Replies.EMPTY_ARRAY;
        }
        if (sub.equalsIgnoreCase("count") && args.length == 2) {
            return Replies.integer(COMMANDS);
        }
        return Replies.error("unknown subcommand '" + truncate(sub) + "'. Try COMMAND HELP.");
    }

    /** PING ECHO SET GET DEL EXISTS INCR DBSIZE FLUSHALL CONFIG COMMAND QUIT. */
    private static final int COMMANDS = 12;

    /** Redis 7's wording, the first 128 bytes of the name and of the arguments. */
    private static byte[] unknownCommand(byte[][] args) {
        StringBuilder quoted = new StringBuilder();
        for (int i = 1; i < args.length && quoted.length() < 128; i++) {
            String arg = text(args[i]);
            int room = 128 - quoted.length();
            quoted.append('\'').append(arg, 0, Math.min(arg.length(), room)).append("' ");
        }
        return Replies.error("unknown command '" + truncate(text(args[0])) + "', with args beginning with: " + quoted);
    }

    private static byte[] wrongArity(String name) {
        return Replies.error("wrong number of arguments for '" + name + "' command");
    }

    private static String truncate(String s) {
        return s.length() > 128 ? s.substring(0, 128) : s;
    }

    /** Bytes as ISO-8859-1 text: one char per byte, so nothing is lost on the way back. */
    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String key(byte[] bytes) {
        return text(bytes);
    }

    @Override
    public String toString() {
        return "keyspace(" + keyspace.getClass().getSimpleName() + ", work=" + work.workMicros() + "us)";
    }
}
