package dev.adit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code adit auth login --web}: the OAuth authorization-code flow for a native app (RFC 8252), the
 * way {@code gh auth login} does it. The CLI is the built-in public client {@value #CLIENT_ID}: it
 * waits on a loopback port for the browser to come back, proves with PKCE that it is the one that
 * started the flow, and checks {@code state} so that no other page can log it in as someone else.
 */
final class WebLogin {
    static final String CLIENT_ID = "adit-cli";
    static final String DEFAULT_SCOPE = "tunnels:read tunnels:write tunnels:delete tunnels:stats account:read keys:manage";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the token endpoint gave: the access token to send, and how to get the next one. */
    record Tokens(String accessToken, String refreshToken, Instant expiresAt, String scope) {
        @Override
        public String toString() {
            return "Tokens[expiresAt=" + expiresAt + ", scope=" + scope + "]";
        }
    }

    private WebLogin() {
    }

    static Tokens run(URI api, String scope, boolean openBrowser, Duration timeout, PrintStream out) {
        String verifier = random(32);
        String state = random(16);
        CompletableFuture<Map<String, String>> callback = new CompletableFuture<>();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 8);
        } catch (IOException e) {
            throw new CliException("cannot listen on a loopback port for the browser to come back: " + e.getMessage());
        }
        server.createContext("/callback", exchange -> answerCallback(exchange, state, callback));
        server.start();
        try {
            String redirectUri = "http://127.0.0.1:" + server.getAddress().getPort() + "/callback";
            Map<String, String> query = new LinkedHashMap<>();
            query.put("response_type", "code");
            query.put("client_id", CLIENT_ID);
            query.put("redirect_uri", redirectUri);
            query.put("scope", scope);
            query.put("state", state);
            query.put("code_challenge", challenge(verifier));
            query.put("code_challenge_method", "S256");
            String url = api + "/v1/oauth/authorize?" + form(query);
            out.println("Open this address in your browser to log in (waiting up to " + human(timeout) + "):");
            out.println("  " + url);
            out.flush();
            if (openBrowser) {
                Browser.open(url);
            }
            Map<String, String> answer;
            try {
                answer = callback.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new CliException("no answer from the browser within " + human(timeout) + "; run the command again");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted");
            } catch (ExecutionException e) {
                throw new CliException(e.getCause().getMessage());
            }
            if (answer.containsKey("error")) {
                throw new CliException("the login was not approved: " + answer.get("error")
                        + (answer.containsKey("error_description") ? " (" + answer.get("error_description") + ")" : ""));
            }
            JsonNode tokens = new ControlApi(api, java.util.Optional.empty()).postForm("/v1/oauth/token", Map.of(
                    "grant_type", "authorization_code", "code", answer.get("code"), "redirect_uri", redirectUri,
                    "client_id", CLIENT_ID, "code_verifier", verifier));
            return tokens(tokens);
        } finally {
            server.stop(0);
        }
    }

    /** A new access token (and the next refresh token: each one works once). */
    static Tokens refresh(URI api, String refreshToken) {
        JsonNode tokens = new ControlApi(api, java.util.Optional.empty()).postForm("/v1/oauth/token", Map.of(
                "grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", CLIENT_ID));
        return tokens(tokens);
    }

    private static Tokens tokens(JsonNode json) {
        return new Tokens(json.get("access_token").asText(), json.get("refresh_token").asText(),
                Instant.now().plusSeconds(json.get("expires_in").asLong()), json.path("scope").asText());
    }

    private static void answerCallback(HttpExchange exchange, String state, CompletableFuture<Map<String, String>> callback) throws IOException {
        Map<String, String> query = parse(exchange.getRequestURI().getRawQuery());
        boolean ours = state.equals(query.get("state"));
        String message = !ours ? "This answer was not for the login this CLI started; it was ignored."
                : query.containsKey("error") ? "The login was not approved. You can close this tab."
                : "Adit CLI is logged in. You can close this tab.";
        byte[] body = ("<!doctype html><meta charset=utf-8><title>Adit CLI</title><p>" + message + "</p>").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(ours ? 200 : 400, body.length);
        try (OutputStream o = exchange.getResponseBody()) {
            o.write(body);
        }
        if (ours) {
            // only now: the listener stops as soon as the CLI has its answer, and the browser must get its page first
            callback.complete(query);
        }
    }

    private static Map<String, String> parse(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static String form(Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        values.forEach((k, v) -> out.append(out.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return out.toString();
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens a URL in the user's browser where there is one; silently does nothing where there is none. */
    private static final class Browser {
        static void open(String url) {
            String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
            String[] command = os.contains("mac") ? new String[]{"open", url}
                    : os.contains("win") ? new String[]{"rundll32", "url.dll,FileProtocolHandler", url}
                    : new String[]{"xdg-open", url};
            try {
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException noBrowser) {
                // a server or a container: the printed address is the way
            }
        }
    }

    /** "5 min", "90 s": a timeout under a minute must not read as "0 min". */
    static String human(java.time.Duration timeout) {
        return timeout.toSecondsPart() == 0 && timeout.toMinutes() > 0 ? timeout.toMinutes() + " min" : timeout.toSeconds() + " s";
    }
}
