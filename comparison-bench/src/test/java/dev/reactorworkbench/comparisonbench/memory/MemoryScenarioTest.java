package dev.reactorworkbench.comparisonbench.memory;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemoryScenarioTest {

    @Test
    @DisplayName("the memory scenario runs the server and the idle clients in two processes and sees every connection open")
    void measuresAServerWithIdleConnections() throws Exception {
        MemoryScenario.Row row = MemoryScenario.measure("thread-per-connection", 50);

        assertThat(row.server()).isEqualTo("thread-per-connection");
        assertThat(row.connections()).isEqualTo(50);
        assertThat(row.heapBefore()).isPositive();
        assertThat(row.rssBefore()).isPositive();
        // One thread per connection: the count proves the measurement saw all 50 connections.
        assertThat(row.threadsAfter() - row.threadsBefore()).isGreaterThanOrEqualTo(50);
        assertThat(row.toJson()).containsKeys("heapPerConnectionBytes", "rssPerConnectionBytes", "threadsAfter");
    }
}
