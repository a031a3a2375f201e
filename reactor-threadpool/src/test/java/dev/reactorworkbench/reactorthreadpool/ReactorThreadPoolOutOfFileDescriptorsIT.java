package dev.reactorworkbench.reactorthreadpool;

import dev.reactorworkbench.conformancekit.G09OutOfFileDescriptors;

import org.junit.jupiter.api.Disabled;

/** Guarantee 9 for reactor-threadpool: the server in a child JVM under prlimit, run out of descriptors. */
// Measured before the core branch: the reactor thread spins (0.86-0.88 s of CPU over the 3 s window on a loaded machine).
@Disabled("enabled when the core branch lands (issue 11)")
class ReactorThreadPoolOutOfFileDescriptorsIT extends G09OutOfFileDescriptors {
    @Override
    protected Class<?> mainClass() {
        return ReactorThreadPoolMain.class;
    }
}
