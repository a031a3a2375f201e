package dev.reactorworkbench.echoprotocol.codec;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static dev.reactorworkbench.echoprotocol.codec.Frames.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LineCodecTest {

    private final Codec codec = LineCodec.INSTANCE;

    @Test
    @DisplayName("encodes a reply as the payload followed by '\\n'")
    void encodes() {
        ByteBuffer b = codec.encode(ascii("hi"));

        assertThat(b.position()).isZero();
        assertThat(b.remaining()).isEqualTo(3);
        assertThat(b.array()).containsExactly('h', 'i', '\n');
    }

    @Test
    @DisplayName("keeps a trailing '\\r' as payload, and a '\\r' alone makes a one-byte line")
    void keepsTrailingCarriageReturn() throws Exception {
        List<byte[]> frames = Frames.feed(codec.newDecoder(100), ascii("hi\r\n\r\na\rb\n"));

        assertThat(frames).containsExactly(ascii("hi\r"), ascii("\r"), ascii("a\rb"));
    }

    @Test
    @DisplayName("empty lines are empty frames")
    void emptyLines() throws Exception {
        assertThat(Frames.feed(codec.newDecoder(100), ascii("\n\n")))
                .hasSize(2).allSatisfy(f -> assertThat(f).isEmpty());
    }

    @Test
    @DisplayName("a line of exactly the limit is accepted, even when its '\\n' arrives in a later read")
    void lineAtTheLimit() throws Exception {
        byte[] line = Frames.noNewlines(10, 9);
        FrameDecoder decoder = codec.newDecoder(10);
        List<byte[]> frames = new ArrayList<>();

        decoder.decodeCopies(ByteBuffer.wrap(line), frames::add);
        assertThat(decoder.bufferedBytes()).isEqualTo(10);
        decoder.decodeCopies(ByteBuffer.wrap(ascii("\n")), frames::add);

        assertThat(frames).singleElement().isEqualTo(line);
        assertThat(decoder.bufferedBytes()).isZero();
    }

    @Test
    @DisplayName("a line over the limit with its '\\n' in the same read is a protocol error naming limit and length")
    void overLongLineInOneRead() {
        assertThatThrownBy(() -> Frames.feed(codec.newDecoder(10), ascii("abcdefghijk\n")))
                .isInstanceOfSatisfying(FrameTooLongException.class, e -> {
                    assertThat(e.limit()).isEqualTo(10);
                    assertThat(e.seen()).isEqualTo(11);
                    assertThat(e.getMessage()).contains("10").contains("11");
                });
    }

    @Test
    @DisplayName("an over-long line is detected while it arrives in pieces without any '\\n'")
    void overLongLineInPieces() throws Exception {
        FrameDecoder decoder = codec.newDecoder(10);
        decoder.decodeCopies(ByteBuffer.wrap(ascii("abcdef")), f -> { });
        assertThat(decoder.bufferedBytes()).isEqualTo(6);

        assertThatThrownBy(() -> decoder.decodeCopies(ByteBuffer.wrap(ascii("ghijk")), f -> { }))
                .isInstanceOfSatisfying(FrameTooLongException.class, e -> {
                    assertThat(e.limit()).isEqualTo(10);
                    assertThat(e.seen()).isEqualTo(11);
                });
    }

    @Test
    @DisplayName("an over-long line sent a byte at a time fails on the first byte past the limit")
    void overLongLineByteByByte() throws Exception {
        FrameDecoder decoder = codec.newDecoder(10);
        byte[] line = Frames.noNewlines(11, 10);
        for (int i = 0; i < 10; i++) {
            decoder.decodeCopies(ByteBuffer.wrap(line, i, 1), f -> { });
        }
        assertThatThrownBy(() -> decoder.decodeCopies(ByteBuffer.wrap(line, 10, 1), f -> { }))
                .isInstanceOf(FrameTooLongException.class);
    }

    @Test
    @DisplayName("a long unfinished line does not make the decoder allocate the whole limit up front")
    void doesNotAllocateTheLimitUpFront() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM cannot count the bytes a thread allocates");
        int limit = 1 << 20;
        byte[] start = ascii("0123456789");
        codec.newDecoder(limit).decodeCopies(ByteBuffer.wrap(start), f -> { }); // class loading does not count

        FrameDecoder decoder = codec.newDecoder(limit);
        long before = threads.getCurrentThreadAllocatedBytes();
        decoder.decodeCopies(ByteBuffer.wrap(start), f -> { });
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(decoder.bufferedBytes()).isEqualTo(10);
        assertThat(allocated).as("bytes allocated by decode").isLessThan(limit / 8);
    }
}
