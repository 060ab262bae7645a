package dev.adit.protocol;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeaderNamesTest {
    @Test
    void registeredNamesInAnyCaseBecomeTheSharedLowerCaseConstant() {
        assertSame(HttpHeaderNames.CONTENT_TYPE, HeaderNames.lowerCase("Content-Type"));
        assertSame(HttpHeaderNames.CONTENT_LENGTH, HeaderNames.lowerCase(new AsciiString("CONTENT-LENGTH")));
        assertSame(HttpHeaderNames.SET_COOKIE, HeaderNames.lowerCase("set-cookie"));
        assertEquals(new AsciiString("x-forwarded-for"), HeaderNames.lowerCase("X-Forwarded-For"));
    }

    @Test
    void otherNamesAreLowerCasedWithoutBeingConfusedWithRegisteredOnes() {
        assertEquals(new AsciiString("x-my-header"), HeaderNames.lowerCase("X-My-Header"));
        assertEquals(new AsciiString("content-typ"), HeaderNames.lowerCase("Content-Typ"));
        assertEquals(new AsciiString("content-type-x"), HeaderNames.lowerCase("Content-Type-X"));
        assertEquals(new AsciiString(""), HeaderNames.lowerCase(""));
    }

    @Test
    void headersNamedByConnectionAreDroppedWhateverTheirCase() {
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        headers.add("Connection", "keep-alive, X-Secret");
        Set<String> named = TunnelHeaders.namedByConnection(headers);
        assertEquals(Set.of("keep-alive", "x-secret"), named);
        assertTrue(TunnelHeaders.dropAtHop("X-SECRET", named));
        assertTrue(TunnelHeaders.dropAtHop("x-secret", named));
        assertFalse(TunnelHeaders.dropAtHop("x-secrets", named));
    }

    @Test
    void everyHopByHopNameIsDroppedInAnyCaseAndNothingElseIs() {
        for (String hop : List.of("Connection", "KEEP-ALIVE", "proxy-connection", "Proxy-Authenticate",
                "proxy-authorization", "TE", "te", "Trailer", "Transfer-Encoding", "upgrade", "Adit-Anything")) {
            assertTrue(TunnelHeaders.dropAtHop(hop, Set.of()), hop);
        }
        for (String kept : List.of("User-Agent", "Tf", "Host", "Content-Type", "Trailers", "", "x".repeat(300))) {
            assertFalse(TunnelHeaders.dropAtHop(kept, Set.of()), kept);
        }
    }

    @Test
    void aLoneKeepAliveOrNoConnectionHeaderNamesNothingElse() {
        DefaultHttpHeaders keepAlive = new DefaultHttpHeaders();
        keepAlive.add("Connection", "Keep-Alive");
        assertEquals(Set.of(), TunnelHeaders.namedByConnection(keepAlive));
        assertEquals(Set.of(), TunnelHeaders.namedByConnection(new DefaultHttpHeaders()));
        assertTrue(TunnelHeaders.dropAtHop("Keep-Alive", Set.of()));

        DefaultHttpHeaders twoHeaders = new DefaultHttpHeaders();
        twoHeaders.add("Connection", "keep-alive");
        twoHeaders.add("Connection", "x-hop");
        assertEquals(Set.of("keep-alive", "x-hop"), TunnelHeaders.namedByConnection(twoHeaders));

        DefaultHttp2Headers h2 = new DefaultHttp2Headers();
        assertEquals(Set.of(), TunnelHeaders.namedByConnection(h2));
        h2.add("connection", "X-Hop");
        assertEquals(Set.of("x-hop"), TunnelHeaders.namedByConnection(h2));
    }
}
