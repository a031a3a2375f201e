package dev.reactorworkbench.reactorthreadpool;

import dev.reactorworkbench.conformancekit.G09OutOfFileDescriptors;

/** Guarantee 9 for reactor-threadpool: the server in a child JVM under prlimit, run out of descriptors. */
class ReactorThreadPoolOutOfFileDescriptorsIT extends G09OutOfFileDescriptors {
    @Override
    protected Class<?> mainClass() {
        return ReactorThreadPoolMain.class;
    }
}
