package dev.reactorworkbench.redis6iothreads;

import dev.reactorworkbench.conformancekit.G09OutOfFileDescriptors;

/** Guarantee 9 for redis6-io-threads: the server in a child JVM under prlimit, run out of descriptors. */
class Redis6IoThreadsOutOfFileDescriptorsIT extends G09OutOfFileDescriptors {
    @Override
    protected Class<?> mainClass() {
        return Redis6IoThreadsMain.class;
    }
}
