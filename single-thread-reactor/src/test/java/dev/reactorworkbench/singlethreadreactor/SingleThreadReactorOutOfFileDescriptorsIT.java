package dev.reactorworkbench.singlethreadreactor;

import dev.reactorworkbench.conformancekit.G09OutOfFileDescriptors;

/** Guarantee 9 for single-thread-reactor: the server in a child JVM under prlimit, run out of descriptors. */
class SingleThreadReactorOutOfFileDescriptorsIT extends G09OutOfFileDescriptors {
    @Override
    protected Class<?> mainClass() {
        return SingleThreadReactorMain.class;
    }
}
