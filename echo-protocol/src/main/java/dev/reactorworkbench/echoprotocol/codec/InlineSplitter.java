package dev.reactorworkbench.echoprotocol.codec;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an inline command into arguments the way Redis does ({@code sdssplitargs}): arguments
 * are separated by white space; {@code "double quotes"} take the escapes {@code \n \r \t \b \a \\
 * \" \xHH}; {@code 'single quotes'} take {@code \'}; a closing quote must be followed by white
 * space or the end of the line.
 */
final class InlineSplitter {

    private InlineSplitter() {
    }

    /** The arguments of bytes {@code from .. to} of {@code line}, or null for unbalanced quotes. */
    static List<byte[]> split(byte[] line, int from, int to) {
        List<byte[]> arguments = new ArrayList<>();
        int p = from;
        while (true) {
            while (p < to && isSpace(line[p])) {
                p++;
            }
            if (p == to) {
                return arguments;
            }
            ByteArrayOutputStream current = new ByteArrayOutputStream();
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                if (inDouble) {
                    if (p == to) {
                        return null; // no closing quote
                    }
                    byte c = line[p];
                    if (c == '\\' && p + 3 < to && line[p + 1] == 'x' && isHex(line[p + 2]) && isHex(line[p + 3])) {
                        current.write(Character.digit(line[p + 2], 16) * 16 + Character.digit(line[p + 3], 16));
                        p += 3;
                    } else if (c == '\\' && p + 1 < to) {
                        p++;
                        current.write(switch (line[p]) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> line[p];
                        });
                    } else if (c == '"') {
                        // The closing quote must be followed by a space or nothing.
                        if (p + 1 < to && !isSpace(line[p + 1])) {
                            return null;
                        }
                        done = true;
                    } else {
                        current.write(c);
                    }
                } else if (inSingle) {
                    if (p == to) {
                        return null;
                    }
                    byte c = line[p];
                    if (c == '\\' && p + 1 < to && line[p + 1] == '\'') {
                        p++;
                        current.write('\'');
                    } else if (c == '\'') {
                        if (p + 1 < to && !isSpace(line[p + 1])) {
                            return null;
                        }
                        done = true;
                    } else {
                        current.write(c);
                    }
                } else {
                    if (p == to) {
                        break;
                    }
                    byte c = line[p];
                    if (isSpace(c)) {
                        done = true;
                    } else if (c == '"') {
                        inDouble = true;
                    } else if (c == '\'') {
                        inSingle = true;
                    } else {
                        current.write(c);
                    }
                }
                if (p < to) {
                    p++;
                }
            }
            arguments.add(current.toByteArray());
        }
    }

    /** C's isspace: space, \t, \n, \v, \f, \r. */
    private static boolean isSpace(byte c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static boolean isHex(byte c) {
        return Character.digit(c, 16) >= 0;
    }
}
