package dev.adit.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The preface is Adit's only home-made wire format (everything after it is HTTP/2). Random and
 * mutated inputs, in random chunkings, must decode to a valid hello, to nothing, or to a refusal
 * for length: never to an exception, a half-read line, or a hello that does not re-encode to itself.
 */
class PrefaceFuzzTest {
    private static final int CASES = 20_000;

    @Test
    void randomBytesNeverBreakTheDecoder() {
        SplittableRandom random = new SplittableRandom(20261123);
        for (int i = 0; i < CASES; i++) {
            byte[] input = new byte[random.nextInt(0, 1600)];
            for (int j = 0; j < input.length; j++) {
                // bias towards the bytes the grammar cares about
                input[j] = switch (random.nextInt(6)) {
                    case 0 -> (byte) '\n';
                    case 1 -> (byte) ' ';
                    default -> (byte) random.nextInt(256);
                };
            }
            decodeAll(input, random);
        }
    }

    @Test
    void mutatedHellosDecodeToValidHellosOrNothing() {
        SplittableRandom random = new SplittableRandom(42);
        byte[] valid = new Preface.Hello("demo", "cs_0123456789abcdefABCDEF0123456789", Optional.of("ag_00ff")).encode();
        for (int i = 0; i < CASES; i++) {
            byte[] input = valid.clone();
            int mutations = random.nextInt(1, 4);
            for (int m = 0; m < mutations; m++) {
                input[random.nextInt(input.length)] = (byte) random.nextInt(256);
            }
            decodeAll(input, random);
        }
    }

    @Test
    void aHelloMayNameItsAgentAndOlderThreeFieldHellosStillParse() {
        Preface.Hello withId = new Preface.Hello("demo", "cs_secret", Optional.of("ag_0123456789abcdef01234567"));
        assertEquals("ADIT/1 demo cs_secret ag_0123456789abcdef01234567\n", new String(withId.encode(), StandardCharsets.US_ASCII));
        assertEquals(Optional.of(withId), Preface.parseHello("ADIT/1 demo cs_secret ag_0123456789abcdef01234567"));
        assertEquals(Optional.of(new Preface.Hello("demo", "cs_secret")), Preface.parseHello("ADIT/1 demo cs_secret"));
        assertEquals(Optional.empty(), Preface.parseHello("ADIT/1 demo cs_secret ag_1 extra"));
        assertEquals(Optional.empty(), Preface.parseHello("ADIT/1 demo cs_secret " + "a".repeat(Preface.MAX_AGENT_ID + 1)));
        assertTrue(!withId.toString().contains("cs_secret"), "the secret is never in toString: " + withId);
    }

    @Test
    void aHelloSplitAnywhereDecodesTheSame() {
        SplittableRandom random = new SplittableRandom(7);
        Preface.Hello hello = new Preface.Hello("split-test", "cs_secretsecretsecretsecret01234");
        byte[] wire = concat(hello.encode(), "PRI * HTTP/2.0".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 2_000; i++) {
            ByteBuf cumulation = Unpooled.buffer();
            Optional<String> line = Optional.empty();
            int offset = 0;
            while (line.isEmpty() && offset < wire.length) {
                int chunk = random.nextInt(1, 8);
                cumulation.writeBytes(wire, offset, Math.min(chunk, wire.length - offset));
                offset += chunk;
                line = LineDecoder.readLine(cumulation, Preface.MAX_LINE);
            }
            assertEquals(Optional.of(hello), line.flatMap(Preface::parseHello));
            assertTrue(cumulation.toString(StandardCharsets.US_ASCII).startsWith("PRI") || offset <= wire.length,
                    "bytes after the preface stay in the buffer for HTTP/2");
            cumulation.release();
        }
    }

    /** Feeds the input in random chunks, as TCP might deliver it, and checks every line decoded. */
    private static void decodeAll(byte[] input, SplittableRandom random) {
        ByteBuf cumulation = Unpooled.buffer();
        int offset = 0;
        try {
            while (offset < input.length) {
                int chunk = Math.min(random.nextInt(1, 64), input.length - offset);
                cumulation.writeBytes(input, offset, chunk);
                offset += chunk;
                Optional<String> line;
                while ((line = LineDecoder.readLine(cumulation, Preface.MAX_LINE)).isPresent()) {
                    assertTrue(line.get().length() <= Preface.MAX_LINE);
                    assertTrue(line.get().indexOf('\n') < 0, "a line never contains its terminator");
                    Preface.parseHello(line.get()).ifPresent(PrefaceFuzzTest::assertCanonical);
                    Preface.Answer answer = Preface.parseAnswer(line.get());
                    assertTrue(answer instanceof Preface.Accepted || answer instanceof Preface.Refused);
                }
            }
        } catch (TooLongFrameException expected) {
            // an over-long line is refused as such: the edge answers ERR and closes
        } finally {
            cumulation.release();
        }
    }

    private static void assertCanonical(Preface.Hello hello) {
        String wire = new String(hello.encode(), StandardCharsets.US_ASCII);
        assertEquals(Optional.of(hello), Preface.parseHello(wire.substring(0, wire.length() - 1)));
        for (char c : (hello.tunnelName() + hello.connectSecret() + hello.agentId().orElse("")).toCharArray()) {
            assertTrue(c > ' ' && c < 0x7f, "only printable ASCII survives parsing");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
