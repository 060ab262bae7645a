package dev.adit.functions.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a browser does on the authorization pages, over real HTTP: keeps cookies, submits forms,
 * does not follow redirects (so a test sees where each one points). The headless-Chromium test
 * drives a real browser through the same pages.
 */
public final class BrowserSession {
    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([a-z_]+)\" value=\"([^\"]*)\">");
    private static final Pattern OPTION = Pattern.compile("<option value=\"([^\"]+)\">");

    private final URI base;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;

    public BrowserSession(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public record Page(int status, String body, HttpResponse<String> raw) {
        public String hidden(String name) {
            Matcher m = HIDDEN.matcher(body);
            while (m.find()) {
                if (m.group(1).equals(name)) {
                    return m.group(2);
                }
            }
            throw new AssertionError("no hidden field " + name + " in " + body);
        }

        public String firstOrganization() {
            Matcher m = OPTION.matcher(body);
            if (!m.find()) {
                throw new AssertionError("no organization to choose in " + body);
            }
            return m.group(1);
        }

        public URI location() {
            String location = raw.headers().firstValue("Location").orElseThrow(() -> new AssertionError("not a redirect: " + status + " " + body));
            return raw.uri().resolve(location);
        }

        public boolean isSignIn() {
            return body.contains("action=\"login\"");
        }

        public boolean isConsent() {
            return body.contains("action=\"consent\"");
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + raw.headers().map() + " " + body;
        }
    }

    public Page get(String pathAndQuery) {
        return get(base.resolve(pathAndQuery));
    }

    public Page get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    public Page post(String path, Map<String, String> form) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))));
    }

    /** Signs in on the page if asked to, then answers the consent page; returns the redirect to the client. */
    public Page signInAndDecide(Page page, String email, String password, boolean approve) {
        if (page.isSignIn()) {
            Page afterLogin = post("/v1/oauth/login", Map.of("request_id", page.hidden("request_id"),
                    "csrf_token", page.hidden("csrf_token"), "email", email, "password", password));
            if (afterLogin.status() != 303) {
                throw new AssertionError("sign-in failed: " + afterLogin);
            }
            page = get(afterLogin.location());
        }
        if (!page.isConsent()) {
            throw new AssertionError("expected the consent page: " + page);
        }
        return post("/v1/oauth/consent", Map.of("request_id", page.hidden("request_id"), "csrf_token", page.hidden("csrf_token"),
                "organization_id", page.firstOrganization(), "decision", approve ? "approve" : "deny"));
    }

    public static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        if (uri.getRawQuery() == null) {
            return out;
        }
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    public static String form(Map<String, String> values) {
        return values.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private Page send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Page(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
