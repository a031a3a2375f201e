package dev.reactorworkbench.threadperconnection;

import dev.reactorworkbench.conformancekit.G09OutOfFileDescriptors;

/** Guarantee 9 for virtual-thread-per-connection: the server in a child JVM under prlimit, run out of descriptors. */
class VirtualThreadPerConnectionOutOfFileDescriptorsIT extends G09OutOfFileDescriptors {
    @Override
    protected Class<?> mainClass() {
        return VirtualThreadPerConnectionMain.class;
    }
}
