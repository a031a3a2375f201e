package dev.reactorworkbench.redis6iothreads;

import dev.reactorworkbench.conformancekit.G09OutOfFileDescriptors;

import org.junit.jupiter.api.Disabled;

/** Guarantee 9 for redis6-io-threads: the server in a child JVM under prlimit, run out of descriptors. */
// Measured before the core branch: the main loop dies (its first log line loads tzdb.dat: Too many open files) and the connections are gone (19 descriptors left).
@Disabled("enabled when the core branch lands (issue 11)")
class Redis6IoThreadsOutOfFileDescriptorsIT extends G09OutOfFileDescriptors {
    @Override
    protected Class<?> mainClass() {
        return Redis6IoThreadsMain.class;
    }
}
