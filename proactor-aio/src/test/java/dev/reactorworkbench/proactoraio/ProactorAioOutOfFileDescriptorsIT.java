package dev.reactorworkbench.proactoraio;

import dev.reactorworkbench.conformancekit.G09OutOfFileDescriptors;

/** Guarantee 9 for proactor-aio: the server in a child JVM under prlimit, run out of descriptors. */
class ProactorAioOutOfFileDescriptorsIT extends G09OutOfFileDescriptors {
    @Override
    protected Class<?> mainClass() {
        return ProactorAioMain.class;
    }
}
