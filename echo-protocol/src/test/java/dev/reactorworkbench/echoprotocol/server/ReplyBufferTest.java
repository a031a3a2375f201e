package dev.reactorworkbench.echoprotocol.server;

import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.codec.LineCodec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplyBufferTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    @DisplayName("replies written in pieces are framed by the codec: the length prefix filled in after, the newline appended")
    void framesRepliesInPlace() {
        ReplyBuffer replies = new ReplyBuffer();
        replies.beginReply(LengthPrefixedCodec.INSTANCE);
        replies.write(ascii("ab"));
        replies.write(ByteBuffer.wrap(ascii("cde")));
        replies.endReply(LengthPrefixedCodec.INSTANCE);
        replies.beginReply(LengthPrefixedCodec.INSTANCE);
        replies.endReply(LengthPrefixedCodec.INSTANCE); // an empty reply is a frame too

        assertThat(Arrays.copyOf(replies.array(), replies.size()))
                .isEqualTo(new byte[]{0, 0, 0, 5, 'a', 'b', 'c', 'd', 'e', 0, 0, 0, 0});

        ReplyBuffer lines = new ReplyBuffer();
        lines.beginReply(LineCodec.INSTANCE);
        lines.write(ascii("hi"));
        lines.endReply(LineCodec.INSTANCE);
        assertThat(new String(lines.array(), 0, lines.size(), StandardCharsets.US_ASCII)).isEqualTo("hi\n");
    }

    @Test
    @DisplayName("a reply whose handler failed is forgotten, and nothing can be written outside a reply")
    void abortAndLending() {
        ReplyBuffer replies = new ReplyBuffer();
        replies.beginReply(LengthPrefixedCodec.INSTANCE);
        replies.write(ascii("kept"));
        replies.endReply(LengthPrefixedCodec.INSTANCE);
        replies.beginReply(LengthPrefixedCodec.INSTANCE);
        replies.write(ascii("half a rep"));
        replies.abortReply();

        assertThat(replies.size()).isEqualTo(8);
        assertThatThrownBy(() -> replies.write(ascii("late"))).isInstanceOf(IllegalStateException.class);

        ReplyBuffer one = new ReplyBuffer(4);
        one.write(ascii("abc"));
        assertThat(one.toByteArray()).isEqualTo(ascii("abc"));
        assertThatThrownBy(() -> one.write(ascii("late"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("a handler on arrays (Handler.ofBytes) and the array form of any handler give the same replies")
    void arrayForms() {
        Handler upper = Handler.ofBytes(frame -> new String(frame, StandardCharsets.US_ASCII).toUpperCase().getBytes(StandardCharsets.US_ASCII));
        assertThat(upper.handle(ascii("abc"))).isEqualTo(ascii("ABC"));

        ReplyBuffer reply = new ReplyBuffer(8);
        ByteBuffer frame = ByteBuffer.wrap(ascii("xyz")).asReadOnlyBuffer();
        upper.handle(frame, reply);
        assertThat(reply.toByteArray()).isEqualTo(ascii("XYZ"));
        assertThat(frame.remaining()).as("copyOf leaves the frame as it was").isEqualTo(3);

        assertThat(new EchoHandler(0).handle(ascii("echo"))).isEqualTo(ascii("echo"));
    }
}
