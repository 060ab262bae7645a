package dev.adit.functions.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.adit.functions.testing.ApiClient;
import dev.adit.functions.testing.BrowserSession;
import dev.adit.functions.testing.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The whole authorization-code flow in a real browser: Debian's headless Chromium, driven by
 * Playwright (src/test/browser/oauth-flow.mjs), signs in, reads the consent page, clicks a button
 * and lands on the client's loopback redirect URI, served here by a small HTTP server that records
 * what it receives. Without node, Chromium or playwright-core the tests are skipped, unless
 * ADIT_REQUIRE_BROWSER=1 (CI sets it), when they fail.
 */
class BrowserAuthorizationFlowTest {
    private static final String PASSWORD = "correct horse battery";
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final long SCRIPT_SECONDS = 90;
    /** What oauth-flow.mjs saves, each as DECISION-NAME.png: the pages as the person saw them. */
    private static final List<String> SCREENSHOTS = List.of("1-sign-in", "2-consent", "3-redirect");

    private static Path browserDir;
    private static Path node;
    /** Why the tests cannot run here, or null when node, Chromium and playwright-core are all there. */
    private static String unavailable;
    private static HttpServer callbackServer;
    private static final List<URI> received = new CopyOnWriteArrayList<>();

    private ApiClient api;

    @BeforeAll
    static void findTheBrowserAndStartTheCallbackServer() throws IOException {
        browserDir = moduleDir().resolve("src/test/browser").toAbsolutePath().normalize();
        List<String> missing = new ArrayList<>();
        node = onPath("node").orElse(null);
        if (node == null) {
            missing.add("node is not on the PATH (apt-get install nodejs; playwright-core needs Node.js 20 or later)");
        }
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add(CHROMIUM + " is missing (apt-get install chromium)");
        }
        if (!Files.isDirectory(browserDir.resolve("node_modules/playwright-core"))) {
            missing.add(browserDir.resolve("node_modules/playwright-core") + " is missing (npm ci --prefix functions/src/test/browser)");
        }
        if (!missing.isEmpty()) {
            unavailable = "the real-browser OAuth tests need: " + String.join("; ", missing);
            if (!browserRequired()) {
                System.err.println("BrowserAuthorizationFlowTest skipped: " + unavailable);
            }
            return;
        }

        callbackServer = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        callbackServer.createContext("/callback", exchange -> {
            received.add(exchange.getRequestURI());
            byte[] page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Test App</title></head><body><h1 id=\"done\">Back at Test App</h1></body></html>"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            try (var out = exchange.getResponseBody()) {
                out.write(page);
            }
        });
        callbackServer.start();
    }

    @AfterAll
    static void stopTheCallbackServer() {
        if (callbackServer != null) {
            callbackServer.stop(0);
        }
    }

    @BeforeEach
    void needsTheBrowserAndForgetsEarlierCallbacks() {
        if (unavailable != null) {
            if (browserRequired()) {
                fail(unavailable + " (ADIT_REQUIRE_BROWSER=1, so this is a failure, not a skip)");
            }
            assumeTrue(false, unavailable + " - skipped; set ADIT_REQUIRE_BROWSER=1 to make this a failure");
        }
        received.clear();
        api = LocalStack.api().client(); // started only when the browser is there to use it
    }

    private static boolean browserRequired() {
        return "1".equals(System.getenv("ADIT_REQUIRE_BROWSER"));
    }

    @Test
    void aRealBrowserSignsInApprovesAndLandsOnTheRedirectWithACode() {
        var user = api.signup();
        var app = OAuthTestClient.register(api, user.apiKey(), "public", callbackUri());
        String verifier = OAuthTestClient.verifier();
        String state = "st-" + System.nanoTime();

        URI landed = runBrowser(app.authorizePath("tunnels:read account:read", state, verifier), user.email(), "approve",
                List.of("See your tunnels", "See your account and organization"));

        assertEquals(1, received.size(), () -> "the redirect URI was called once: " + received);
        URI callback = received.getFirst();
        assertEquals(callback.getRawQuery(), landed.getRawQuery(), "the browser's address is the request the app received");
        Map<String, String> query = BrowserSession.query(callback);
        assertEquals(state, query.get("state"));
        String code = query.get("code");
        assertNotNull(code, () -> "no code in " + callback);
        assertNull(query.get("error"));

        var tokens = app.redeem(code, verifier);
        assertEquals(200, tokens.status(), tokens::toString);
        assertEquals("tunnels:read account:read", tokens.text("scope"));
        String access = tokens.text("access_token");
        var tunnels = api.get("/v1/tunnels", access);
        assertEquals(200, tunnels.status(), tunnels::toString);
        assertEquals(400, app.redeem(code, verifier).status(), "a code is redeemed once");
        assertScreenshots("approve");
    }

    @Test
    void aRealBrowserDenyingLandsOnTheRedirectWithAccessDenied() {
        var user = api.signup();
        var app = OAuthTestClient.register(api, user.apiKey(), "confidential", callbackUri());
        String state = "st-" + System.nanoTime();

        URI landed = runBrowser(app.authorizePath("tunnels:read", state, null), user.email(), "deny", List.of("See your tunnels"));

        assertEquals(1, received.size(), () -> "the redirect URI was called once: " + received);
        assertEquals(received.getFirst().getRawQuery(), landed.getRawQuery());
        Map<String, String> query = BrowserSession.query(received.getFirst());
        assertEquals("access_denied", query.get("error"), query::toString);
        assertEquals(state, query.get("state"));
        assertFalse(query.containsKey("code"), () -> "a denial carries no code: " + query);
        assertScreenshots("deny");
    }

    private static String callbackUri() {
        return "http://127.0.0.1:" + callbackServer.getAddress().getPort() + "/callback";
    }

    private static Path screenshotDir() {
        return moduleDir().resolve("target/browser-screenshots").toAbsolutePath().normalize();
    }

    /** Runs oauth-flow.mjs and returns the URL the browser landed on. */
    private URI runBrowser(String authorizePath, String email, String decision, List<String> expectTexts) {
        String authorizeUrl = LocalStack.api().base().resolve(authorizePath).toString();
        String prefix = callbackUri() + "?";
        List<String> command = new ArrayList<>(List.of(node.toString(), browserDir.resolve("oauth-flow.mjs").toString(),
                "--authorize-url", authorizeUrl, "--email", email, "--callback-prefix", prefix,
                "--screenshots", screenshotDir().toString(), "--decision", decision, "--chromium", CHROMIUM.toString(),
                "--timeout-ms", "60000"));
        expectTexts.forEach(t -> command.addAll(List.of("--expect-text", t)));
        File stdout;
        File stderr;
        try {
            for (String name : SCREENSHOTS) {
                Files.deleteIfExists(screenshotDir().resolve(decision + "-" + name + ".png")); // none left from an earlier run
            }
            stdout = File.createTempFile("oauth-flow", ".out");
            stderr = File.createTempFile("oauth-flow", ".err");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            var builder = new ProcessBuilder(command).directory(browserDir.toFile())
                    .redirectOutput(stdout).redirectError(stderr).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().put("ADIT_OAUTH_PASSWORD", PASSWORD);
            Process process = builder.start();
            boolean finished = process.waitFor(SCRIPT_SECONDS, TimeUnit.SECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String out = Files.readString(stdout.toPath());
            String err = Files.readString(stderr.toPath());
            if (!finished) {
                fail("the browser script did not finish in " + SCRIPT_SECONDS + " s and was killed; stderr:\n" + err + "\nstdout:\n" + out);
            }
            if (process.exitValue() != 0) {
                fail("the browser script exited " + process.exitValue() + "; stderr:\n" + err + "\nstdout:\n" + out);
            }
            String line = Arrays.stream(out.split("\n")).filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no JSON line from the browser script; stdout:\n" + out + "\nstderr:\n" + err));
            JsonNode result = ApiClient.JSON.readTree(line);
            String url = result.path("url").asText();
            assertTrue(url.startsWith(prefix), () -> "the browser landed on " + url + ", not on " + prefix);
            return URI.create(url);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            stdout.delete();
            stderr.delete();
        }
    }

    private static void assertScreenshots(String decision) {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G'};
        for (String name : SCREENSHOTS) {
            Path file = screenshotDir().resolve(decision + "-" + name + ".png");
            try {
                assertTrue(Files.size(file) > 1000, () -> file + " is too small to be a page");
                byte[] head = Arrays.copyOf(Files.readAllBytes(file), 4);
                assertArrayEquals(png, head, () -> file + " is not a PNG");
            } catch (IOException e) {
                throw new AssertionError("no screenshot " + file, e);
            }
        }
    }

    /** The functions module's directory: where Maven runs the tests, or functions/ below the repository root. */
    private static Path moduleDir() {
        Path here = Path.of(System.getProperty("user.dir"));
        if (Files.isDirectory(here.resolve("src/test/browser"))) {
            return here;
        }
        return here.resolve("functions");
    }

    private static Optional<Path> onPath(String name) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
