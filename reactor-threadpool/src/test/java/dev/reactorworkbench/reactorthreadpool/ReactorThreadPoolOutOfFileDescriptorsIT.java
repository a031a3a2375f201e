package dev.reactorworkbench.reactorthreadpool;

import dev.reactorworkbench.conformancekit.G09OutOfFileDescriptors;


/** Guarantee 9 for reactor-threadpool: the server in a child JVM under prlimit, run out of descriptors. */
// Measured before the core branch: the reactor thread spins (0.86-0.88 s of CPU over the 3 s window on a loaded machine).
class ReactorThreadPoolOutOfFileDescriptorsIT extends G09OutOfFileDescriptors {
    @Override
    protected Class<?> mainClass() {
        return ReactorThreadPoolMain.class;
    }
}
