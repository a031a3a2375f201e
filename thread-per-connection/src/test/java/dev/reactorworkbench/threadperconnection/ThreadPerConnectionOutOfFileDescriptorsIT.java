package dev.reactorworkbench.threadperconnection;

import dev.reactorworkbench.conformancekit.G09OutOfFileDescriptors;

/** Guarantee 9 for thread-per-connection: the server in a child JVM under prlimit, run out of descriptors. */
class ThreadPerConnectionOutOfFileDescriptorsIT extends G09OutOfFileDescriptors {
    @Override
    protected Class<?> mainClass() {
        return ThreadPerConnectionMain.class;
    }
}
