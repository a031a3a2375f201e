package dev.reactorworkbench.conformancekit;

import static dev.reactorworkbench.conformancekit.Await.awaitValue;
import static dev.reactorworkbench.conformancekit.Payloads.assertSameBytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Guarantee 3: bounded memory under a client that writes but never reads. When a connection's
 * pending outbound bytes pass the high water mark the server stops reading from it, and resumes
 * below the low water mark.
 */
public abstract class G03BoundedMemory extends Guarantee {

    protected G03BoundedMemory(ServerUnderTest target) {
        super(target);
    }

    @Test
    @DisplayName("a client that never reads cannot make the server buffer without limit, and then gets every byte")
    @Timeout(120)
    void clientThatNeverReadsCannotMakeTheServerBufferWithoutLimit() throws Exception {
        int lowWater = 64 * 1024;
        int highWater = 256 * 1024;
        RunningServer server = startServer(b -> b.codec(LENGTH_PREFIXED).maxFrameLength(MIB)
                .writeWaterMarks(lowWater, highWater));
        EchoClient client = connect(server, LENGTH_PREFIXED);
        ServerStats stats = server.stats();
        int frameSize = 16 * 1024;
        int frameCount = 64 * MIB / frameSize; // 64 MiB: far more than every socket buffer on the path

        // 1. A writer writes 64 MiB of frames; nobody reads the replies yet.
        AtomicLong written = new AtomicLong();
        ClientTask writer = ClientTask.start(() -> {
            for (int i = 0; i < frameCount; i++) {
                client.send(Payloads.sequenced(i, frameSize));
                written.addAndGet(frameSize + LengthPrefixedCodec.HEADER);
            }
        });

        // 2. Wait (bounded) until the writer stalls: the socket buffers are full and the server
        //    has stopped reading. A server that buffers without limit never stalls it.
        Await.awaitStall(written::get, writer::isDone, Duration.ofMillis(500), Duration.ofSeconds(30));
        if (writer.failed()) {
            writer.join(WAIT); // rethrows the writer's failure
        }
        assertThat(writer.isDone())
                .as("the client wrote all 64 MiB without reading a reply, so the server must have buffered"
                        + " the replies (outbound bytes pending peaked at %d)", stats.getOutboundBytesPendingPeak())
                .isFalse();
        long peakWhileNotReading = stats.getOutboundBytesPendingPeak();

        // 3. Start reading: every reply must arrive, complete and in order.
        for (int i = 0; i < frameCount; i++) {
            byte[] reply = client.receive();
            if (Payloads.sequenceOf(reply) != i) {
                throw new AssertionError("reply #" + i + " carries request #" + Payloads.sequenceOf(reply));
            }
            assertSameBytes("reply #" + i, Payloads.sequenced(i, frameSize), reply);
        }
        writer.join(WAIT);

        assertThat(peakWhileNotReading)
                .as("peak outbound bytes pending while the client was not reading (high water %d + 1 MiB allowed)", highWater)
                .isLessThanOrEqualTo(highWater + MIB);
        assertThat(stats.getOutboundBytesPendingPeak())
                .as("peak outbound bytes pending over the whole run")
                .isLessThanOrEqualTo(highWater + MIB);
        awaitValue("messages out", WAIT, stats::getMessagesOut, frameCount);
        awaitValue("outbound bytes pending once all is read", WAIT, stats::getOutboundBytesPending, 0);
    }
}
