package dev.reactorworkbench.multireactor;

import dev.reactorworkbench.conformancekit.G09OutOfFileDescriptors;

/** Guarantee 9 for multi-reactor: the server in a child JVM under prlimit, run out of descriptors. */
class MultiReactorOutOfFileDescriptorsIT extends G09OutOfFileDescriptors {
    @Override
    protected Class<?> mainClass() {
        return MultiReactorMain.class;
    }
}
