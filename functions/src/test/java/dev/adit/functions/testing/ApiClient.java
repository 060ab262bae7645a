package dev.adit.functions.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** A real HTTP client for the API, speaking JSON, as curl or an SDK would. */
public final class ApiClient {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;

    public ApiClient(URI base) {
        this.base = base;
    }

    public record Response(int status, JsonNode body, HttpResponse<String> raw) {
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public String text(String field) {
            JsonNode node = body.get(field);
            return node == null || node.isNull() ? null : node.asText();
        }

        @Override
        public String toString() {
            return status + " " + raw.body();
        }
    }

    public Response send(String method, String path, String apiKey, String rawBody, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, rawBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(rawBody));
        if (rawBody != null) {
            request.header("Content-Type", "application/json");
        }
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? JSON.nullNode() : parse(response.body());
            return new Response(response.statusCode(), body, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return JSON.getNodeFactory().textNode(body);
        }
    }

    /** A form-encoded POST (the OAuth token and revocation endpoints), with optional extra headers. */
    public Response postForm(String path, Map<String, String> form, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(BrowserSession.form(form)));
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body().isEmpty() ? JSON.nullNode() : parse(response.body()), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response get(String path, String apiKey) {
        return send("GET", path, apiKey, null, Map.of());
    }

    public Response post(String path, String apiKey, Object body) {
        return send("POST", path, apiKey, json(body), Map.of());
    }

    public Response patch(String path, String apiKey, Object body) {
        return send("PATCH", path, apiKey, json(body), Map.of());
    }

    public Response delete(String path, String apiKey) {
        return send("DELETE", path, apiKey, null, Map.of());
    }

    public static String json(Object body) {
        try {
            return body == null ? null : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh user with their own organization; the returned key has every scope of an admin. */
    public Account signup() {
        String email = "user-" + UUID.randomUUID() + "@example.test";
        Response r = post("/v1/auth/signup", null, Map.of("email", email, "password", "correct horse battery", "name", "Test User"));
        if (r.status() != 201) {
            throw new IllegalStateException("signup failed: " + r);
        }
        return new Account(email, r.text("api_key"), r.body().get("user").get("id").asText());
    }

    public record Account(String email, String apiKey, String userId) {
    }

    /** Creates a tunnel and returns its JSON (with the connect_secret). */
    public ObjectNode createTunnel(String apiKey, String name) {
        Response r = post("/v1/tunnels", apiKey, Map.of("tunnel_name", name));
        if (r.status() != 201) {
            throw new IllegalStateException("create failed: " + r);
        }
        return (ObjectNode) r.body();
    }

    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
