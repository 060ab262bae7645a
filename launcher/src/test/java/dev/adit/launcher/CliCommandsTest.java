package dev.adit.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The adit commands as typed at a terminal, against a running local stack. */
class CliCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(new LocalStack.Settings(LocalStack.Ports.any(), Optional.empty(), "adit", "24h"));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private record Run(int exit, String out, String err) {
    }

    /** Runs `adit ARGS` in this JVM, capturing what it prints. */
    private static synchronized Run adit(Path configDir, String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--api-url";
        all[args.length + 1] = stack.apiUrl();
        all[args.length + 2] = "--config-dir";
        all[args.length + 3] = configDir.toString();
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
            int exit = Adit.run(all);
            return new Run(exit, captured.toString(StandardCharsets.UTF_8), capturedErr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static String signup(String email) throws Exception {
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/v1/auth/signup"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\"correct horse battery\",\"name\":\"C\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body()).get("api_key").asText();
    }

    @Test
    void thePortMakesTheAgentWhereverItStandsAndSubcommandsStaySubcommands() {
        assertTrue(Adit.isExpose(new String[]{"3000"}));
        assertTrue(Adit.isExpose(new String[]{"3000", "--subdomain", "demo"}));
        assertTrue(Adit.isExpose(new String[]{"--subdomain", "demo", "3000"}));
        assertTrue(Adit.isExpose(new String[]{"-s", "demo", "--tls", "passthrough", "8443"}));
        assertFalse(Adit.isExpose(new String[]{}));
        assertFalse(Adit.isExpose(new String[]{"--help"}));
        assertFalse(Adit.isExpose(new String[]{"tunnels", "delete", "3000"}));
        assertFalse(Adit.isExpose(new String[]{"edge", "--http-port", "9081"}));
        assertFalse(Adit.isExpose(new String[]{"--subdomain", "demo"}));
    }

    @Test
    void aTeamIsBuiltFromTheTerminal(@TempDir Path ownerConfig, @TempDir Path inviteeConfig) throws Exception {
        String inviteeEmail = "invitee-" + UUID.randomUUID() + "@example.test";
        assertEquals(0, adit(ownerConfig, "auth", "set-key", signup("owner-" + UUID.randomUUID() + "@example.test")).exit());
        assertEquals(0, adit(inviteeConfig, "auth", "set-key", signup(inviteeEmail)).exit());

        Run invited = adit(ownerConfig, "orgs", "invite", inviteeEmail, "--role", "admin");
        assertEquals(0, invited.exit(), invited.err());
        String token = invited.out().lines().map(String::strip).filter(l -> l.startsWith("aiv_")).findFirst()
                .orElseThrow(() -> new AssertionError(invited.out()));
        Run accepted = adit(inviteeConfig, "orgs", "accept", token);
        assertEquals(0, accepted.exit(), accepted.err());
        assertTrue(accepted.out().contains("as admin"), accepted.out());

        Run listed = adit(inviteeConfig, "orgs", "list");
        assertEquals(2, listed.out().lines().filter(l -> l.contains(" org_")).count(), listed.out());
        assertEquals(1, listed.out().lines().filter(l -> l.startsWith("*")).count(), "one is current: " + listed.out());
        Run members = adit(ownerConfig, "orgs", "members");
        assertTrue(members.out().contains(inviteeEmail) && members.out().contains("owner"), members.out());
        Run again = adit(inviteeConfig, "orgs", "accept", token);
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("not found") || again.err().contains("No such"), again.err());
    }

    @Test
    void setKeyStatusAndTestReportTheKey(@TempDir Path config) throws Exception {
        String key = signup("cli-" + UUID.randomUUID() + "@example.test");
        Run notLoggedIn = adit(config, "auth", "status");
        assertTrue(notLoggedIn.out().contains("Not logged in"), notLoggedIn.out());

        assertEquals(0, adit(config, "auth", "set-key", key).exit());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config.resolve("config.json"))));
        Run status = adit(config, "auth", "status");
        assertTrue(status.out().contains("Current API Key: it_***..." + key.substring(key.length() - 3)), status.out());
        assertTrue(status.out().contains("Status: Valid"), status.out());
        assertTrue(!status.out().contains(key), "the full key is never printed");

        Run granted = adit(config, "auth", "test", "--scope", "tunnels:write");
        assertEquals(0, granted.exit());
        assertTrue(granted.out().contains("Permission 'tunnels:write' granted"), granted.out());
        Run test = adit(config, "auth", "test");
        assertTrue(test.out().contains("API key is valid") && test.out().contains("Permissions: tunnels:read"), test.out());

        Run bad = adit(config, "auth", "set-key", "nope");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("does not look like an Adit API key"), bad.err());
    }

    @Test
    void loginReadsThePasswordFromStdinForScripts(@TempDir Path config) throws Exception {
        String email = "cli-login-" + UUID.randomUUID() + "@example.test";
        signup(email);
        var in = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("correct horse battery\n".getBytes(StandardCharsets.UTF_8)));
            Run login = adit(config, "auth", "login", "-e", email, "--password-stdin");
            assertEquals(0, login.exit(), login.err());
            assertTrue(login.out().contains("Logged in as " + email), login.out());
        } finally {
            System.setIn(in);
        }
        assertTrue(adit(config, "auth", "status").out().contains("Status: Valid"));
    }

    @Test
    void tunnelsListDeleteAndRestoreByName(@TempDir Path config) throws Exception {
        String key = signup("cli-tunnels-" + UUID.randomUUID() + "@example.test");
        adit(config, "auth", "set-key", key);
        assertTrue(adit(config, "tunnels", "list").out().contains("No tunnels yet"));
        String name = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/v1/tunnels"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tunnel_name\":\"" + name + "\"}")).build(), HttpResponse.BodyHandlers.ofString());

        Run list = adit(config, "tunnels", "list");
        assertTrue(list.out().contains(name) && list.out().contains("active"), list.out());
        var json = JSON.readTree(adit(config, "tunnels", "list", "--json").out());
        assertEquals(name, json.get(0).get("tunnel_name").asText());

        Run deleted = adit(config, "tunnels", "delete", name);
        assertEquals(0, deleted.exit(), deleted.err());
        assertTrue(deleted.out().contains("deleted. Restore it before"), deleted.out());
        assertTrue(adit(config, "tunnels", "list").out().contains("delete_pending"));
        var restored = JSON.readTree(adit(config, "tunnels", "restore", name, "--json").out());
        assertEquals("active", restored.get("status").asText());

        Run missing = adit(config, "tunnels", "delete", "no-such-tunnel");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("you have no tunnel named no-such-tunnel"), missing.err());
    }

    /** A key of {@code owner}'s organization that holds only {@code scopes}. */
    private static String keyWith(String owner, String... scopes) throws Exception {
        String body = "{\"name\":\"narrow\",\"permissions\":[\"" + String.join("\",\"", scopes) + "\"]}";
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/v1/auth/keys"))
                .header("Authorization", "Bearer " + owner).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
        return JSON.readTree(response.body()).get("key").asText();
    }

    @Test
    void authStatusAndTestExitNonZeroWhenTheKeyCannotDoTheJob(@TempDir Path config) throws Exception {
        Run notLoggedIn = adit(config, "auth", "status");
        assertEquals(1, notLoggedIn.exit(), notLoggedIn.out());
        assertTrue(notLoggedIn.out().contains("Not logged in"), notLoggedIn.out());

        assertEquals(0, adit(config, "auth", "set-key", "it_0000000000000000").exit()); // well-formed, never issued
        Run invalid = adit(config, "auth", "status");
        assertTrue(invalid.out().contains("Status: Invalid"), invalid.out());
        assertEquals(1, invalid.exit(), "a script can tell that the key does not work: " + invalid.out());
        assertEquals(1, adit(config, "auth", "test").exit());

        String key = signup("cli-status-" + UUID.randomUUID() + "@example.test");
        assertEquals(0, adit(config, "auth", "set-key", keyWith(key, "tunnels:read")).exit());
        Run valid = adit(config, "auth", "status");
        assertEquals(0, valid.exit(), valid.out() + valid.err());
        assertTrue(valid.out().contains("Status: Valid"), valid.out());
        Run missing = adit(config, "auth", "test", "--scope", "tunnels:write");
        assertTrue(missing.out().contains("Permission 'tunnels:write' not granted"), missing.out());
        assertEquals(1, missing.exit());
        assertEquals(0, adit(config, "auth", "test", "--scope", "tunnels:read").exit());
    }

    @Test
    void withJsonAnErrorIsTheApisErrorBodyOnStderrAndStdoutStaysEmpty(@TempDir Path config, @TempDir Path nobody) throws Exception {
        Run notLoggedIn = adit(nobody, "tunnels", "list", "--json");
        assertEquals(1, notLoggedIn.exit());
        assertEquals("", notLoggedIn.out());
        var error = onlyJsonLine(notLoggedIn.err());
        assertEquals("not_logged_in", error.get("error").asText(), notLoggedIn.err());
        assertTrue(error.get("message").asText().startsWith("not logged in"), notLoggedIn.err());
        assertEquals(4001, error.get("code").asInt(), notLoggedIn.err());

        String key = signup("cli-json-" + UUID.randomUUID() + "@example.test");
        adit(config, "auth", "set-key", key);
        Run missing = adit(config, "tunnels", "delete", "no-such-tunnel", "--json");
        assertEquals(1, missing.exit());
        assertEquals("", missing.out());
        error = onlyJsonLine(missing.err());
        assertEquals("not_found", error.get("error").asText(), missing.err());
        assertEquals(4004, error.get("code").asInt(), missing.err());
        assertTrue(error.get("message").asText().contains("no-such-tunnel"), missing.err());

        // the API's own refusal is passed on as the API wrote it, extra fields included
        String name = "json-" + UUID.randomUUID().toString().substring(0, 8);
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/v1/tunnels"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tunnel_name\":\"" + name + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        adit(config, "auth", "set-key", keyWith(key, "tunnels:read"));
        Run forbidden = adit(config, "tunnels", "delete", name, "--json");
        assertEquals(1, forbidden.exit());
        assertEquals("", forbidden.out());
        error = onlyJsonLine(forbidden.err());
        assertEquals("forbidden", error.get("error").asText(), forbidden.err());
        assertEquals(4003, error.get("code").asInt(), forbidden.err());
        assertEquals("tunnels:delete", error.get("required_scope").asText(), forbidden.err());

        Run usage = adit(config, "tunnels", "list", "--json", "--no-such-flag");
        assertEquals(2, usage.exit());
        assertEquals("", usage.out());
        assertEquals("usage_error", onlyJsonLine(usage.err()).get("error").asText(), usage.err());

        Run plain = adit(config, "tunnels", "delete", "no-such-tunnel");
        assertEquals("adit: you have no tunnel named no-such-tunnel", plain.err().strip(), "without --json the error stays a sentence");
    }

    private static com.fasterxml.jackson.databind.JsonNode onlyJsonLine(String err) throws Exception {
        assertEquals(1, err.lines().count(), err);
        var node = JSON.readTree(err);
        assertTrue(node.isObject() && node.get("error").isTextual() && node.get("message").isTextual() && node.get("code").isInt(), err);
        return node;
    }

    @Test
    void passwordLoginWithoutATerminalWantsPasswordStdinRatherThanReadingThePipe(@TempDir Path config) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.console() == null, "this JVM has a console");
        String email = "cli-pipe-" + UUID.randomUUID() + "@example.test";
        signup(email);
        var in = System.in;
        Run login;
        try {
            System.setIn(new java.io.ByteArrayInputStream("correct horse battery\n".getBytes(StandardCharsets.UTF_8)));
            login = adit(config, "auth", "login", "-e", email);
        } finally {
            System.setIn(in);
        }
        assertEquals(1, login.exit(), login.out());
        assertEquals(1, login.err().lines().count(), login.err());
        assertTrue(login.err().startsWith("adit: ") && login.err().contains("--password-stdin"), login.err());
        assertFalse(login.out().contains("Logged in"), login.out());
        assertTrue(adit(config, "auth", "status").out().contains("Not logged in"));
    }

    @Test
    void anEmptyTunnelNameIsRefusedUpFront(@TempDir Path config) throws Exception {
        adit(config, "auth", "set-key", signup("cli-empty-" + UUID.randomUUID() + "@example.test"));
        Run expose = adit(config, "3000", "--subdomain", "");
        assertEquals(1, expose.exit());
        assertTrue(expose.err().startsWith("adit: --subdomain") && expose.err().contains("empty") && !expose.err().contains("  "), expose.err());
        for (String action : new String[]{"delete", "restore"}) {
            Run run = adit(config, "tunnels", action, " ");
            assertEquals(1, run.exit());
            assertTrue(run.err().startsWith("adit: ") && run.err().contains("empty") && !run.err().contains("named "), run.err());
        }
        assertTrue(adit(config, "tunnels", "list").out().contains("No tunnels yet"), "nothing was created");
    }

    @Test
    void anUnreachableApiIsExplained(@TempDir Path config) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            int exit = Adit.run(new String[]{"tunnels", "list", "--api-url", "http://127.0.0.1:9", "--config-dir", config.toString()});
            assertEquals(1, exit);
        } finally {
            System.setErr(err);
        }
        String message = captured.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("not logged in") || message.contains("cannot reach the Adit API"), message);
    }
}
