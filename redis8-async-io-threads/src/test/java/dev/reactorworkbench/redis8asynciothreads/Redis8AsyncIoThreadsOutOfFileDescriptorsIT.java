package dev.reactorworkbench.redis8asynciothreads;

import dev.reactorworkbench.conformancekit.G09OutOfFileDescriptors;

/** Guarantee 9 for redis8-async-io-threads: the server in a child JVM under prlimit, run out of descriptors. */
class Redis8AsyncIoThreadsOutOfFileDescriptorsIT extends G09OutOfFileDescriptors {
    @Override
    protected Class<?> mainClass() {
        return Redis8AsyncIoThreadsMain.class;
    }
}
