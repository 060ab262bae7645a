package dev.adit.io;

import io.netty.channel.epoll.Epoll;
import io.netty.handler.ssl.OpenSsl;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** On Linux x86-64, what ships must load: epoll and BoringSSL, not the fallbacks. */
class NativeLibrariesTest {
    @Test
    void epollAndBoringSslLoadOnLinuxX86() {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"), "native libraries are packaged for linux-x86_64 only");
        assertTrue(Epoll.isAvailable(), () -> "epoll did not load: " + Epoll.unavailabilityCause());
        assertTrue(OpenSsl.isAvailable(), () -> "netty-tcnative did not load: " + OpenSsl.unavailabilityCause());
        assertTrue(OpenSsl.isAlpnSupported(), "the agent link and the public listener need ALPN");
        assertEquals("epoll", Transport.name());
        assertTrue(Tls.name().startsWith("openssl"), Tls.name());
    }
}
