package dev.reactorworkbench.launcher;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class CliTest {

    @Command(name = "top", subcommands = {Sub.class, Serve.class, Report.class, Compare.class})
    static final class Top implements Runnable {
        @Override
        public void run() {
        }
    }

    @Command(name = "sub", description = "A subcommand whose description is much longer than eighty columns, so that a "
            + "narrow terminal would wrap it.")
    static final class Sub implements Runnable {
        @Option(names = "--connections", description = "How many.")
        int connections;

        @Option(names = "--port", description = "Which.")
        int port;

        @Override
        public void run() {
        }
    }

    @Command(name = "serve")
    static final class Serve implements Runnable {
        @Override
        public void run() {
        }
    }

    @Command(name = "report")
    static final class Report implements Runnable {
        @Override
        public void run() {
        }
    }

    @Command(name = "compare")
    static final class Compare implements Runnable {
        @Override
        public void run() {
        }
    }

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Cli.conventions(new CommandLine(new Top()));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    @DisplayName("every command, subcommands included, gets -V/--version with the project version")
    void versionEverywhere() {
        assertThat(run("--version")).isZero();
        assertThat(run("sub", "-V")).isZero();

        assertThat(out.toString().lines().filter(l -> l.equals("Reactor Workbench " + WorkbenchVersion.projectVersion())))
                .hasSize(2);
    }

    @Test
    @DisplayName("help is 120 columns wide whatever the terminal")
    void fixedWidth() {
        assertThat(run("sub", "--help")).isZero();

        assertThat(out.toString()).contains("A subcommand whose description is much longer than eighty columns, so that a narrow terminal would wrap it.");
    }

    @Test
    @DisplayName("an unknown flag gets the nearest real flags, a swap or a missing letter away, and a help hint; exit 2")
    void suggestions() {
        assertThat(run("sub", "--prot", "1")).isEqualTo(Launcher.USAGE);
        assertThat(run("sub", "--conections", "1")).isEqualTo(Launcher.USAGE);
        assertThat(run("sub", "--zzz")).isEqualTo(Launcher.USAGE);

        assertThat(err.toString().lines().toList()).containsExactly(
                "top sub: Unknown options: '--prot', '1'",
                "did you mean --port?",
                "try 'top sub --help'",
                "top sub: Unknown options: '--conections', '1'",
                "did you mean --connections?",
                "try 'top sub --help'",
                "top sub: Unknown option: '--zzz'",
                "try 'top sub --help'");
    }

    @Test
    @DisplayName("a mistyped subcommand gets the nearest subcommand only, not every loosely similar one")
    void subcommandSuggestion() {
        assertThat(run("sbu")).isEqualTo(Launcher.USAGE);
        assertThat(run("sreve")).isEqualTo(Launcher.USAGE);

        assertThat(err.toString().lines().toList()).containsExactly(
                "top: Unmatched argument at index 0: 'sbu'",
                "did you mean sub?",
                "try 'top --help'",
                "top: Unmatched argument at index 0: 'sreve'",
                "did you mean serve?",
                "try 'top --help'");
    }

    @Test
    @DisplayName("edit distance counts a swap of neighbours as one edit")
    void editDistance() {
        assertThat(Cli.editDistance("--prot", "--port")).isEqualTo(1);
        assertThat(Cli.editDistance("--conections", "--connections")).isEqualTo(1);
        assertThat(Cli.editDistance("--host", "--port")).isEqualTo(2);
        assertThat(Cli.editDistance("", "abc")).isEqualTo(3);
    }
}
