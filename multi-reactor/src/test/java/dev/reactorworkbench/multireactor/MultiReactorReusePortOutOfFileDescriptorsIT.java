package dev.reactorworkbench.multireactor;

import dev.reactorworkbench.conformancekit.G09OutOfFileDescriptors;

/** Guarantee 9 for multi-reactor-reuseport: the server in a child JVM under prlimit, run out of descriptors. */
class MultiReactorReusePortOutOfFileDescriptorsIT extends G09OutOfFileDescriptors {
    @Override
    protected Class<?> mainClass() {
        return MultiReactorReusePortMain.class;
    }
}
