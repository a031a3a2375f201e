package dev.reactorworkbench.echoprotocol.resp;

/**
 * The subset of Redis's {@code stringmatchlen} that {@code CONFIG GET} patterns use: {@code *},
 * {@code ?} and literal characters, case-insensitive (config names are). NOTE: no {@code [...]}
 * classes and no backslash escapes.
 */
final class Glob {

    private Glob() {
    }

    static boolean matches(String pattern, String name) {
        return matches(pattern.toLowerCase(java.util.Locale.ROOT), 0, name, 0);
    }

    private static boolean matches(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                for (int k = si; k <= s.length(); k++) {
                    if (matches(p, pi + 1, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (si == s.length() || (c != '?' && c != s.charAt(si))) {
                return false;
            }
            pi++;
            si++;
        }
        return si == s.length();
    }
}
