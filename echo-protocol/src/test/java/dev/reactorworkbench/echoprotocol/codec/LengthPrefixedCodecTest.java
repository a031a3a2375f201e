package dev.reactorworkbench.echoprotocol.codec;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static dev.reactorworkbench.echoprotocol.codec.Frames.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LengthPrefixedCodecTest {

    private static final int MIB = 1 << 20;
    private final Codec codec = LengthPrefixedCodec.INSTANCE;

    @Test
    @DisplayName("encodes a reply as a big-endian uint32 length followed by the payload")
    void encodes() {
        ByteBuffer b = codec.encode(ascii("hey"));

        assertThat(b.position()).isZero();
        assertThat(b.remaining()).isEqualTo(7);
        assertThat(b.array()).containsExactly(0, 0, 0, 3, 'h', 'e', 'y');
        assertThat(LengthPrefixedCodec.frame(new byte[0])).containsExactly(0, 0, 0, 0);
    }

    @Test
    @DisplayName("decodes a run of 0-byte frames, one per 4-byte prefix, even a prefix at the end of a read")
    void zeroByteFrames() throws Exception {
        byte[] stream = new byte[12];
        FrameDecoder decoder = codec.newDecoder(MIB);

        List<byte[]> frames = Frames.feed(decoder, stream, 4, 8);

        assertThat(frames).hasSize(3).allSatisfy(f -> assertThat(f).isEmpty());
        assertThat(decoder.bufferedBytes()).isZero();
    }

    @Test
    @DisplayName("a frame of exactly the limit is accepted, one byte more is a protocol error")
    void frameAtTheLimit() throws Exception {
        byte[] atLimit = Frames.noNewlines(1000, 7);
        assertThat(Frames.feed(codec.newDecoder(1000), LengthPrefixedCodec.frame(atLimit), 500))
                .singleElement().isEqualTo(atLimit);

        assertThatThrownBy(() -> Frames.feed(codec.newDecoder(1000), LengthPrefixedCodec.frame(new byte[1001])))
                .isInstanceOfSatisfying(FrameTooLongException.class, e -> {
                    assertThat(e.limit()).isEqualTo(1000);
                    assertThat(e.seen()).isEqualTo(1001);
                });
    }

    @Test
    @DisplayName("a frame of the default 1 MiB limit arriving in 64 KiB reads decodes exactly")
    void oneMebibyteFrame() throws Exception {
        byte[] payload = new byte[MIB];
        new java.util.Random(5).nextBytes(payload);
        byte[] stream = LengthPrefixedCodec.frame(payload);
        int[] cuts = new int[stream.length / 65536];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = (i + 1) * 65536 - 3;
        }
        FrameDecoder decoder = codec.newDecoder(MIB);

        assertThat(Frames.feed(decoder, stream, cuts)).singleElement().isEqualTo(payload);
        assertThat(decoder.bufferedBytes()).isZero();
    }

    @ParameterizedTest(name = "announced length {0}")
    @ValueSource(longs = {1001L, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL})
    @DisplayName("an announced length over the limit is rejected as soon as the prefix is complete, naming both")
    void oversizedPrefix(long announced) {
        byte[] prefix = ByteBuffer.allocate(4).putInt((int) announced).array();
        for (boolean byteByByte : new boolean[]{false, true}) {
            FrameDecoder decoder = codec.newDecoder(1000);
            assertThatThrownBy(() -> {
                if (byteByByte) {
                    Frames.feed(decoder, prefix, 1, 2, 3);
                } else {
                    Frames.feed(decoder, prefix);
                }
            }).isInstanceOfSatisfying(FrameTooLongException.class, e -> {
                assertThat(e.limit()).isEqualTo(1000);
                assertThat(e.seen()).isEqualTo(announced);
                assertThat(e.getMessage()).contains(Long.toString(announced)).contains("1000");
            });
        }
    }

    @Test
    @DisplayName("a peer announcing 1 MiB and sending 10 bytes makes the decoder hold 14 bytes, not allocate 1 MiB")
    void doesNotAllocateTheAnnouncedFrameUpFront() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM cannot count the bytes a thread allocates");
        byte[] start = new byte[14];
        ByteBuffer.wrap(start).putInt(MIB);
        List<byte[]> frames = new ArrayList<>();
        // Once first, so class loading and initialisation do not count.
        codec.newDecoder(MIB).decodeCopies(ByteBuffer.wrap(start), frames::add);

        FrameDecoder decoder = codec.newDecoder(MIB);
        ByteBuffer in = ByteBuffer.wrap(start);
        long before = threads.getCurrentThreadAllocatedBytes();
        decoder.decodeCopies(in, frames::add);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(frames).isEmpty();
        assertThat(decoder.bufferedBytes()).isEqualTo(14);
        assertThat(allocated).as("bytes allocated by decode").isLessThan(MIB / 8);

        // The rest of the frame still arrives whole.
        byte[] rest = new byte[MIB - 10];
        rest[rest.length - 1] = 42;
        decoder.decodeCopies(ByteBuffer.wrap(rest), frames::add);
        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f).hasSize(MIB);
            assertThat(f[MIB - 1]).isEqualTo((byte) 42);
        });
        assertThat(decoder.bufferedBytes()).isZero();
    }

    @Test
    @DisplayName("reads the prefix as big-endian even from a buffer set to little-endian order")
    void prefixIsBigEndianWhateverTheBufferOrder() throws Exception {
        byte[] stream = LengthPrefixedCodec.frame(ascii("hello"));
        FrameDecoder decoder = codec.newDecoder(MIB);
        List<byte[]> frames = new ArrayList<>();

        decoder.decodeCopies(ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN), frames::add);

        assertThat(frames).singleElement().isEqualTo(ascii("hello"));
    }
}
