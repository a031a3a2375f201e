package dev.reactorworkbench.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The conventions every command of the workbench follows, applied in one place to a command and
 * all its subcommands, including those other modules add: {@code -h}/{@code --help}; help exactly
 * {@link #WIDTH} columns wide whatever the terminal (piped help must not wrap in the middle of a
 * path); {@code -V}/{@code --version} printing {@link WorkbenchVersion}; and one way to report a
 * usage error, with the flags the user probably meant.
 */
public final class Cli {

    /** Help width in columns, fixed so that help reads the same in a terminal, a pipe and a file. */
    public static final int WIDTH = 120;

    private Cli() {
    }

    /** Applies the conventions to {@code cli} and every subcommand it has now; call after adding them. */
    public static CommandLine conventions(CommandLine cli) {
        CommandSpec spec = cli.getCommandSpec();
        spec.usageMessage().autoWidth(false).width(WIDTH);
        if (spec.findOption("--help") == null && spec.findOption("-h") == null) {
            spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help message and exit.").build());
        }
        if (spec.findOption("--version") == null && spec.findOption("-V") == null) {
            spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                    .description("Print version information and exit.").build());
        }
        if (spec.versionProvider() == null && spec.version().length == 0) {
            spec.versionProvider(new WorkbenchVersion());
        }
        cli.setParameterExceptionHandler(Cli::reportUsageError);
        for (CommandLine sub : cli.getSubcommands().values()) {
            conventions(sub);
        }
        return cli;
    }

    /**
     * A usage error as every command reports it: the problem, the flags the user probably meant,
     * and how to get help; no usage dump. Exit code {@link Launcher#USAGE}.
     */
    static int reportUsageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        PrintWriter err = cli.getErr();
        String name = cli.getCommandSpec().qualifiedName();
        err.println(name + ": " + e.getMessage());
        List<String> suggestions = suggestions(e);
        if (!suggestions.isEmpty()) {
            err.println("did you mean " + String.join(" or ", suggestions) + "?");
        }
        err.println("try '" + name + " --help'");
        err.flush();
        return Launcher.USAGE;
    }

    /**
     * The subcommands picocli finds closest to an unknown word, or the flags closest to an unknown
     * one: picocli's own suggestions (same first two letters) and
     * every flag within a small edit distance, counting a swap of two neighbours as one edit, so
     * {@code --prot} finds {@code --port} and {@code --conections} finds {@code --connections}.
     */
    public static List<String> suggestions(CommandLine.ParameterException e) {
        if (!(e instanceof CommandLine.UnmatchedArgumentException unmatched) || unmatched.getUnmatched().isEmpty()) {
            return List.of();
        }
        String typed = unmatched.getUnmatched().getFirst();
        if (!typed.startsWith("-")) {
            // A mistyped subcommand: the names a small edit away, else picocli's nearest (its
            // bigram match offers several loose ones, so it only speaks when ours find none).
            List<String> close = e.getCommandLine().getSubcommands().keySet().stream()
                    .filter(name -> editDistance(typed, name) <= Math.max(1, name.length() / 3))
                    .toList();
            return close.isEmpty() ? unmatched.getSuggestions() : close;
        }
        int eq = typed.indexOf('=');
        String flag = eq < 0 ? typed : typed.substring(0, eq);
        Set<String> found = new LinkedHashSet<>();
        for (OptionSpec option : e.getCommandLine().getCommandSpec().options()) {
            if (option.hidden()) {
                continue;
            }
            for (String name : option.names()) {
                if (name.length() > 2 && editDistance(flag, name) <= Math.max(1, name.length() / 4)) {
                    found.add(name);
                }
            }
        }
        for (String s : unmatched.getSuggestions()) {
            found.add(s.startsWith("-") ? s : "--" + s);
        }
        return List.copyOf(found);
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
