package dev.reactorworkbench.comparisonbench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class WorkbenchTest {

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private int run(CountDownLatch stop, String... args) {
        return new Workbench(out, err, stop, false).execute(args);
    }

    private int run(String... args) {
        return run(new CountDownLatch(1), args);
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("models lists a model registered with ServiceLoader, with its description and its own flags")
    void modelsListsRegisteredModel() {
        int code = run("models");

        assertThat(code).isZero();
        assertThat(out()).contains(TestOnlyModel.NAME)
                .contains("Binds a port and answers nothing")
                .contains("--flavour")
                .contains("Which flavour of nothing to serve")
                .contains("(default: plain)");
        assertThat(err()).isEmpty();
    }

    @Test
    @DisplayName("models lists the Netty reference servers under their own heading, after every model")
    void modelsListsReferenceServersApart() {
        int code = run("models");

        assertThat(code).isZero();
        String out = out();
        int heading = out.indexOf("Reference servers (Netty");
        assertThat(heading).isGreaterThan(out.indexOf(TestOnlyModel.NAME));
        assertThat(out.substring(heading)).contains("netty-nio\n").contains("netty-nio-executor\n")
                .contains("DefaultEventExecutorGroup");
        assertThat(out.substring(0, heading)).doesNotContain("netty-nio");
    }

    @Test
    @DisplayName("serve runs a reference server with the common flags, as the benchmark's server processes do")
    void serveReferenceServer() {
        CountDownLatch stop = new CountDownLatch(1);
        stop.countDown(); // already stopped: serve starts, reports, and closes at once

        int code = run(stop, "serve", "netty-nio-executor", "--port", "0", "--quiet", "--threads", "2", "--work", "5");

        assertThat(code).as(err()).isZero();
        assertThat(out()).contains("netty-nio-executor listening on 127.0.0.1:").contains("--threads 2")
                .contains("--work 5").contains("closed:");
    }

    @Test
    @DisplayName("serve with an unknown model fails with one line naming the models that exist, exit code 2")
    void serveUnknownModel() {
        int code = run("serve", "nonexistent", "--port", "7000");

        assertThat(code).isEqualTo(2);
        assertThat(err().lines().toList()).singleElement().asString()
                .contains("unknown model 'nonexistent'")
                .contains("choose one of: ")
                .contains(TestOnlyModel.NAME);
        assertThat(out()).isEmpty();
    }

    @Test
    @DisplayName("serve MODEL --help passes --help to the model, which shows the common flags and its own")
    void serveModelHelpIsTheModels() {
        int before = TestOnlyModel.LISTENERS.size();

        int code = run("serve", TestOnlyModel.NAME, "--help");

        assertThat(code).isZero();
        assertThat(out()).contains("--port").contains("--codec").contains("--flavour")
                .contains("Which flavour of nothing to serve");
        assertThat(TestOnlyModel.LISTENERS).as("--help starts nothing").hasSize(before);
    }

    @Test
    @DisplayName("serve passes every flag after the model name to the model, whose launcher rejects a bad value")
    void serveFlagsGoToTheModel() {
        int code = run("serve", TestOnlyModel.NAME, "--port", "70000");

        assertThat(code).isEqualTo(2);
        assertThat(err()).contains("--port must be in 0..65535, was 70000");
    }

    @Test
    @DisplayName("serve starts the model with the given flags, and closes it when told to stop")
    void serveRunsAndCloses() {
        CountDownLatch stop = new CountDownLatch(1);
        stop.countDown(); // already stopped: serve starts, reports, and closes at once
        int before = TestOnlyModel.LISTENERS.size();

        int code = run(stop, "serve", TestOnlyModel.NAME, "--port", "0", "--quiet", "--flavour", "spicy");

        assertThat(code).isZero();
        assertThat(out()).contains(TestOnlyModel.NAME + " listening on 127.0.0.1:")
                .contains("--idle-timeout 5m").contains("--flavour spicy")
                .contains("closed:");
        assertThat(TestOnlyModel.LISTENERS).hasSize(before + 1);
        ServerSocket listener = TestOnlyModel.LISTENERS.get(before);
        assertThat(listener.isClosed()).isTrue();
    }

    @Test
    @DisplayName("--help explains both subcommands")
    void topLevelHelp() {
        int code = run("--help");

        assertThat(code).isZero();
        assertThat(out()).contains("models").contains("serve")
                .contains("List the models on the class path").contains("Run one model (or a Netty reference server) until Ctrl-C");
    }

    @Test
    @DisplayName("--version and -V work on the top level and on every subcommand, the model's flags included")
    void versionEverywhere() {
        String[][] commands = {{"--version"}, {"-V"}, {"models", "-V"}, {"serve", "--version"}, {"load", "-V"},
                {"compare", "-V"}, {"report", "-V"}, {"docs", "-V"}, {"serve", TestOnlyModel.NAME, "-V"}};
        for (String[] command : commands) {
            assertThat(run(command)).as(String.join(" ", command)).isZero();
        }

        assertThat(out().lines().filter(l -> l.startsWith("Reactor Workbench ")).toList()).hasSize(commands.length);
        assertThat(TestOnlyModel.LISTENERS).noneMatch(l -> !l.isClosed());
    }

    @Test
    @DisplayName("a flag before the model is one line saying flags go after it, with the command reordered; exit 2")
    void flagsBeforeTheModel() {
        int code = run("serve", "--port", "7000", TestOnlyModel.NAME);

        assertThat(code).isEqualTo(2);
        assertThat(err().lines().toList()).containsExactly("workbench serve: flags go after the model, not before: "
                + "./workbench serve " + TestOnlyModel.NAME + " --port 7000; ./workbench models lists the models");
    }

    @Test
    @DisplayName("a mistyped flag after the model gets the model's nearest flag (--prot: --port) and its real usage line")
    void mistypedModelFlag() {
        int code = run("serve", TestOnlyModel.NAME, "--prot", "7000");

        assertThat(code).isEqualTo(2);
        assertThat(err()).contains("did you mean --port?")
                .contains("try './workbench serve " + TestOnlyModel.NAME + " --help'");

        assertThat(run("serve", TestOnlyModel.NAME, "--help")).isZero();
        assertThat(out()).startsWith("Usage: ./workbench serve " + TestOnlyModel.NAME + " [OPTIONS]");
    }

    @Test
    @DisplayName("subcommand usage lines name ./workbench, help is 120 columns wide, and a mistyped flag gets a suggestion")
    void subcommandConventions() {
        assertThat(run("load", "--help")).isZero();
        assertThat(out()).startsWith("Usage: ./workbench load ");
        assertThat(out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(120));
        assertThat(out().lines().mapToInt(String::length).max().orElse(0)).isGreaterThan(80);

        assertThat(run("load", "--conections", "4")).isEqualTo(2);
        assertThat(err()).contains("did you mean --connections?").contains("try './workbench load --help'");
    }

    @Test
    @DisplayName("workbench without a subcommand says so and shows the usage, exit code 2")
    void noSubcommand() {
        int code = run();

        assertThat(code).isEqualTo(2);
        assertThat(err()).contains("name a subcommand").contains("serve").contains("models");
    }
}
