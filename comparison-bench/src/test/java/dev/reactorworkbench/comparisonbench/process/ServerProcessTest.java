package dev.reactorworkbench.comparisonbench.process;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ServerProcessTest {

    @Test
    @DisplayName("the JVM's own threads are told from the server's by kernel name, without swallowing a server thread named main-loop")
    void jvmThreadsByName() {
        assertThat(List.of("java", "main", "GC Thread#1", "C2 CompilerThre", "G1 Conc#0", "VM Thread", "Reference Handl",
                "shutdown-hook")).allMatch(ServerProcess::isJvmThread);
        assertThat(List.of("main-loop", "reactor-0", "io-thread-1", "netty-worker-0", "worker-3", "conn-12",
                "ForkJoinPool-1-")).noneMatch(ServerProcess::isJvmThread);
    }

    @Test
    @DisplayName("the command is ./workbench serve with the flags given, under taskset only when CPUs are named")
    void command() {
        List<String> plain = ServerProcess.command("netty-nio", List.of("--threads", "2"), "");
        assertThat(plain.getFirst()).endsWith("/bin/java");
        assertThat(String.join(" ", plain)).contains(ServerProcess.WORKBENCH_MAIN + " serve netty-nio --host 127.0.0.1 "
                + "--port 0 --quiet --threads 2");
        List<String> pinned = ServerProcess.command("netty-nio", List.of(), "1");
        assertThat(pinned.subList(0, 3)).endsWith("-c", "1");
        assertThat(pinned.getFirst()).endsWith("taskset");
    }
}
