package dev.adit.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.TooLongFrameException;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Reads one '\n'-terminated ASCII line from a cumulation without consuming what follows it. */
public final class LineDecoder {
    private LineDecoder() {
    }

    public static Optional<String> readLine(ByteBuf in, int maxLength) {
        int end = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (end < 0) {
            if (in.readableBytes() > maxLength) {
                throw new TooLongFrameException("preface line longer than " + maxLength + " bytes");
            }
            return Optional.empty();
        }
        int length = end - in.readerIndex();
        if (length > maxLength) {
            throw new TooLongFrameException("preface line longer than " + maxLength + " bytes");
        }
        String line = in.toString(in.readerIndex(), length, StandardCharsets.US_ASCII);
        in.skipBytes(length + 1);
        return Optional.of(line);
    }
}
