package dev.reactorworkbench.echoprotocol.server;

/**
 * A flag that only one model understands, such as {@code --workers} or {@code --balance}. The
 * launcher adds it to that model's command line and stores its value in
 * {@link ServerConfig#option(String)}.
 *
 * @param name         the flag without dashes, e.g. {@code workers}
 * @param description  one line for {@code --help}
 * @param defaultValue what the model uses when the flag is absent, as shown in {@code --help}
 */
public record ModelOption(String name, String description, String defaultValue) {
}
