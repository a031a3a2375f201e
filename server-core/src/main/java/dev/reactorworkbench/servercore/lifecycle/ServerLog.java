package dev.reactorworkbench.servercore.lifecycle;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * The one logging rule of every server: {@link System.Logger}, made ready at start-up.
 *
 * <p>Why at start-up: the first record a JDK logger formats loads the time-zone database
 * ({@code lib/tzdb.dat}) and the logging configuration, and each load needs a new file
 * descriptor. A server that logs for the first time because it ran out of descriptors would fail
 * inside its own error path (Redis 6's model did: an {@code ExceptionInInitializerError} ended its
 * main loop). {@link #ready()} formats one record through every configured handler, so whatever
 * logging needs later is already loaded.
 */
public final class ServerLog {

    private static volatile boolean ready; // set once by whichever thread warms up first

    private ServerLog() {
    }

    /** A logger for {@code type}, with logging made ready first. */
    public static System.Logger logger(Class<?> type) {
        ready();
        return System.getLogger(type.getName());
    }

    /** Loads everything formatting a log record needs; cheap after the first call. */
    public static void ready() {
        if (ready) {
            return;
        }
        synchronized (ServerLog.class) {
            if (ready) {
                return;
            }
            ZonedDateTime.now(ZoneId.systemDefault()).getOffset(); // the time-zone database
            LogManager.getLogManager();                            // the logging configuration
            LogRecord probe = new LogRecord(Level.INFO, "logging ready");
            probe.setLoggerName(ServerLog.class.getName());
            for (java.util.logging.Logger l = java.util.logging.Logger.getLogger(ServerLog.class.getName());
                 l != null; l = l.getParent()) {
                for (java.util.logging.Handler h : l.getHandlers()) {
                    Formatter f = h.getFormatter();
                    if (f != null) {
                        f.format(probe); // formatted, not published: nothing is printed
                    }
                }
            }
            System.getLogger(ServerLog.class.getName()).isLoggable(System.Logger.Level.DEBUG); // the System.Logger bridge
            ready = true;
        }
    }
}
