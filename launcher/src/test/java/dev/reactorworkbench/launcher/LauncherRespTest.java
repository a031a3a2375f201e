package dev.reactorworkbench.launcher;

import dev.reactorworkbench.echoprotocol.codec.RespCodec;
import dev.reactorworkbench.echoprotocol.resp.ConcurrentKeyspace;
import dev.reactorworkbench.echoprotocol.resp.KeyspaceHandler;
import dev.reactorworkbench.echoprotocol.resp.PlainKeyspace;
import dev.reactorworkbench.echoprotocol.server.EchoHandler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

class LauncherRespTest {

    private final PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    private FakeModel model;

    @AfterEach
    void closeEveryServer() {
        if (model != null) {
            model.servers.forEach(FakeModel.Server::close);
        }
    }

    private ServerConfig start(FakeModel m, String... args) {
        return start(m, m, args);
    }

    /** Runs {@code launched} (which starts through {@code m}) and returns the config it started with. */
    private ServerConfig start(ServerModel launched, FakeModel m, String... args) {
        model = m;
        CountDownLatch stop = new CountDownLatch(1);
        stop.countDown();
        assertThat(Launcher.execute(launched, args, quiet, quiet, stop, false)).isZero();
        return m.started.getFirst();
    }

    @Test
    @DisplayName("--codec resp serves the keyspace; a model that runs the handler on several threads gets the concurrent map")
    void severalThreadsGetTheConcurrentMap() {
        ServerConfig config = start(new FakeModel(), "--port", "0", "--codec", "resp", "--work", "3");

        assertThat(config.codec()).isSameAs(RespCodec.INSTANCE);
        assertThat(config.handler()).isInstanceOfSatisfying(KeyspaceHandler.class,
                h -> assertThat(h.keyspace()).isInstanceOf(ConcurrentKeyspace.class));
        assertThat(config.handler().toString()).contains("work=3us");
    }

    @Test
    @DisplayName("a model that runs the handler on one thread gets the plain map")
    void oneThreadGetsThePlainMap() {
        FakeModel fake = new FakeModel();
        ServerModel oneThread = new ServerModel() {
            @Override
            public String name() {
                return "fake-one-thread";
            }

            @Override
            public String description() {
                return "the fake model, declaring that one thread runs its handler";
            }

            @Override
            public HandlerThreads handlerThreads() {
                return HandlerThreads.ONE;
            }

            @Override
            public RunningServer start(ServerConfig config) throws IOException {
                return fake.start(config);
            }
        };
        ServerConfig config = start(oneThread, fake, "--port", "0", "--codec", "resp");

        assertThat(config.handler()).isInstanceOfSatisfying(KeyspaceHandler.class,
                h -> assertThat(h.keyspace()).isInstanceOf(PlainKeyspace.class));
    }

    @Test
    @DisplayName("every other codec keeps the echo handler")
    void otherCodecsEcho() {
        assertThat(start(new FakeModel(), "--port", "0", "--codec", "line").handler()).isInstanceOf(EchoHandler.class);
    }
}
