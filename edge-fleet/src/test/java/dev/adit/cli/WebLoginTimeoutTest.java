package dev.adit.cli;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WebLoginTimeoutTest {
    @Test
    void timeoutsUnderAMinuteAreNotShownAsZeroMinutes() {
        assertEquals("5 s", WebLogin.human(Duration.ofSeconds(5)));
        assertEquals("90 s", WebLogin.human(Duration.ofSeconds(90)));
        assertEquals("5 min", WebLogin.human(Duration.ofMinutes(5)));
    }
}
