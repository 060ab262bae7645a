package dev.adit.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `adit auth login --web` against a running stack, with the browser's part played over real HTTP. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WebLoginTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "correct horse battery";
    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(new LocalStack.Settings(LocalStack.Ports.any(), Optional.empty(), "adit", "24h"));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void webLoginStoresATokenThatTheCliUsesAndRefreshesByItself(@TempDir Path config) throws Exception {
        String email = "web-" + UUID.randomUUID() + "@example.test";
        signup(email);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        CompletableFuture<Integer> login = runAsync(printed, config, "auth", "login", "--web", "--no-browser");

        URI authorize = URI.create(awaitLine(printed, "/v1/oauth/authorize?").strip());
        assertTrue(authorize.getQuery().contains("client_id=adit-cli") && authorize.getQuery().contains("code_challenge_method=S256"));
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
        var signIn = send(browser, HttpRequest.newBuilder(authorize).GET());
        assertEquals(200, signIn.statusCode());
        assertTrue(signIn.body().contains("Adit CLI"), "the consent is for the built-in CLI client");
        var afterLogin = send(browser, form(authorize.resolve("login"), Map.of("request_id", hidden(signIn.body(), "request_id"),
                "csrf_token", hidden(signIn.body(), "csrf_token"), "email", email, "password", PASSWORD)));
        assertEquals(303, afterLogin.statusCode(), afterLogin.body());
        var consent = send(browser, HttpRequest.newBuilder(authorize.resolve(afterLogin.headers().firstValue("Location").orElseThrow())).GET());
        var approved = send(browser, form(authorize.resolve("consent"), Map.of("request_id", hidden(consent.body(), "request_id"),
                "csrf_token", hidden(consent.body(), "csrf_token"), "organization_id", option(consent.body()), "decision", "approve")));
        assertEquals(303, approved.statusCode(), approved.body());
        URI callback = URI.create(approved.headers().firstValue("Location").orElseThrow());
        assertEquals("127.0.0.1", callback.getHost(), "back to the CLI's loopback listener");
        var landed = send(browser, HttpRequest.newBuilder(callback).GET());
        assertEquals(200, landed.statusCode());
        assertTrue(landed.body().contains("logged in"));

        assertEquals(0, login.get(30, TimeUnit.SECONDS), printed.toString(StandardCharsets.UTF_8));
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("Logged in as " + email));
        ObjectNode saved = (ObjectNode) JSON.readTree(config.resolve("config.json").toFile());
        String access = saved.get("api_key").asText();
        String refresh = saved.get("refresh_token").asText();
        assertTrue(access.startsWith("ato_") && refresh.startsWith("art_"));

        ByteArrayOutputStream listed = new ByteArrayOutputStream();
        assertEquals(0, runAsync(listed, config, "tunnels", "list").get(30, TimeUnit.SECONDS), listed.toString(StandardCharsets.UTF_8));

        // the access token is due: the next command swaps it for a new one before using it
        saved.put("access_token_expires_at", 0);
        Files.writeString(config.resolve("config.json"), saved.toString());
        ByteArrayOutputStream status = new ByteArrayOutputStream();
        assertEquals(0, runAsync(status, config, "auth", "status").get(30, TimeUnit.SECONDS));
        assertTrue(status.toString(StandardCharsets.UTF_8).contains("Status: Valid"), status.toString(StandardCharsets.UTF_8));
        ObjectNode refreshed = (ObjectNode) JSON.readTree(config.resolve("config.json").toFile());
        assertNotEquals(access, refreshed.get("api_key").asText());
        assertNotEquals(refresh, refreshed.get("refresh_token").asText(), "refresh tokens rotate");
    }

    @Test
    void denyingInTheBrowserFailsTheLoginAndSavesNothing(@TempDir Path config) throws Exception {
        String email = "deny-" + UUID.randomUUID() + "@example.test";
        signup(email);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        CompletableFuture<Integer> login = runAsync(printed, config, "auth", "login", "--web", "--no-browser");
        URI authorize = URI.create(awaitLine(printed, "/v1/oauth/authorize?").strip());
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
        var signIn = send(browser, HttpRequest.newBuilder(authorize).GET());
        var afterLogin = send(browser, form(authorize.resolve("login"), Map.of("request_id", hidden(signIn.body(), "request_id"),
                "csrf_token", hidden(signIn.body(), "csrf_token"), "email", email, "password", PASSWORD)));
        var consent = send(browser, HttpRequest.newBuilder(authorize.resolve(afterLogin.headers().firstValue("Location").orElseThrow())).GET());
        var denied = send(browser, form(authorize.resolve("consent"), Map.of("request_id", hidden(consent.body(), "request_id"),
                "csrf_token", hidden(consent.body(), "csrf_token"), "organization_id", option(consent.body()), "decision", "deny")));
        send(browser, HttpRequest.newBuilder(URI.create(denied.headers().firstValue("Location").orElseThrow())).GET());
        assertEquals(1, login.get(30, TimeUnit.SECONDS));
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("access_denied"), printed.toString(StandardCharsets.UTF_8));
        assertTrue(Files.notExists(config.resolve("config.json")));
    }

    /** Runs `adit ARGS` on another thread, its output (stdout and stderr) going to {@code sink} as it is printed. */
    private static CompletableFuture<Integer> runAsync(ByteArrayOutputStream sink, Path config, String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--api-url";
        all[args.length + 1] = stack.apiUrl();
        all[args.length + 2] = "--config-dir";
        all[args.length + 3] = config.toString();
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream capture = new PrintStream(sink, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        return CompletableFuture.supplyAsync(() -> Adit.run(all)).whenComplete((exit, e) -> {
            System.setOut(out);
            System.setErr(err);
        });
    }

    private static String awaitLine(ByteArrayOutputStream printed, String containing) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : printed.toString(StandardCharsets.UTF_8).lines().toList()) {
                if (line.contains(containing)) {
                    return line;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the CLI never printed " + containing + ": " + printed.toString(StandardCharsets.UTF_8));
    }

    private static void signup(String email) throws Exception {
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/v1/auth/signup"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\",\"name\":\"W\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder form(URI uri, Map<String, String> values) {
        String body = new LinkedHashMap<>(values).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static String hidden(String page, String name) {
        Matcher m = Pattern.compile("<input type=\"hidden\" name=\"" + name + "\" value=\"([^\"]*)\">").matcher(page);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + page);
        }
        return m.group(1);
    }

    private static String option(String page) {
        Matcher m = Pattern.compile("<option value=\"([^\"]+)\">").matcher(page);
        if (!m.find()) {
            throw new AssertionError("no organization in " + page);
        }
        return m.group(1);
    }
}
