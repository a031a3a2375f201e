package dev.reactorworkbench.comparisonbench.load;

import java.util.Locale;

/** What the load generator sends and expects back. */
public enum LoadProtocol {

    /** Length-prefixed echo frames; every reply must be the request, byte for byte. */
    ECHO("echo"),
    /**
     * RESP commands (Redis's protocol): a SET of the payload, then a GET of it, on a key of the
     * connection's own; every reply must be {@code +OK} or the value just set. See {@link RespRequests}.
     */
    RESP("resp");

    private final String cliName;

    LoadProtocol(String cliName) {
        this.cliName = cliName;
    }

    /** The name {@code --protocol} takes. */
    public String cliName() {
        return cliName;
    }

    /** The protocol {@code --protocol name} names; the exception lists the names. */
    public static LoadProtocol named(String name) {
        for (LoadProtocol p : values()) {
            if (p.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("protocol must be echo or resp, was '" + name + "'");
    }
}
