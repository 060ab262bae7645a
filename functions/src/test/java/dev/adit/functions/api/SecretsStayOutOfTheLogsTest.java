package dev.adit.functions.api;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.adit.functions.testing.ApiClient;
import dev.adit.functions.testing.LocalStack;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Passwords, API keys and connect secrets never reach a log line, on success or on refusal. */
class SecretsStayOutOfTheLogsTest {
    private final ApiClient api = LocalStack.api().client();

    @Test
    void noPasswordKeyOrSecretIsLogged() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger ours = logging.getLogger("dev.adit");
        Level oursBefore = ours.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(logging);
        captured.start();
        root.addAppender(captured);
        ours.setLevel(Level.TRACE); // Adit's own code at every level; the libraries as configured
        List<String> secrets = new ArrayList<>();
        try {
            String password = "pw-" + UUID.randomUUID();
            String email = "logs-" + UUID.randomUUID() + "@example.test";
            secrets.add(password);
            var signup = api.post("/v1/auth/signup", null, Map.of("email", email, "password", password, "name", "L"));
            assertEquals(201, signup.status(), signup::toString);
            String key = signup.text("api_key");
            secrets.add(key);
            secrets.add(api.post("/v1/auth/login", null, Map.of("email", email, "password", password)).text("api_key"));
            assertEquals(401, api.post("/v1/auth/login", null, Map.of("email", email, "password", password + "x")).status());
            secrets.add(password + "x");
            // refused bodies that carry the password: malformed, wrongly typed, an unknown field
            api.send("POST", "/v1/auth/signup", null, "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"", Map.of());
            api.send("POST", "/v1/auth/signup", null, "{\"email\":5,\"password\":\"" + password + "\",\"name\":\"L\"}", Map.of());
            api.send("POST", "/v1/auth/login", null, "{\"email\":\"" + email + "\",\"password\":\"" + password + "\",\"otp\":1}", Map.of());
            String unknownKey = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            secrets.add(unknownKey);
            assertEquals(401, api.get("/v1/tunnels", unknownKey).status());

            Map<String, String> idem = Map.of("Idempotency-Key", UUID.randomUUID().toString());
            String keyBody = ApiClient.json(Map.of("name", "logged?", "permissions", List.of("tunnels:read")));
            secrets.add(api.send("POST", "/v1/auth/keys", key, keyBody, idem).text("key"));
            api.send("POST", "/v1/auth/keys", key, keyBody, idem);
            var tunnel = api.createTunnel(key, ApiClient.uniqueName("logs"));
            secrets.add(tunnel.get("connect_secret").asText());
            String path = "/v1/tunnels/" + tunnel.get("id").asText();
            secrets.add(api.post(path + "/regenerate-token", key, null).text("connect_secret"));
            api.post("/v1/auth/logout", key, null);
            assertEquals(401, api.get("/v1/auth/user", key).status());
        } finally {
            ours.setLevel(oursBefore);
            root.detachAppender(captured);
            captured.stop();
        }
        for (ILoggingEvent event : captured.list) {
            String line = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            for (String secret : secrets) {
                assertFalse(line.contains(secret), () -> "a secret in the log of " + event.getLoggerName() + ": " + line);
            }
        }
    }
}
