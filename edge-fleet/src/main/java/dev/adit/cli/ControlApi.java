package dev.adit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The control API as the CLI uses it: JSON over HTTP with a Bearer key. */
public final class ControlApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The reason of a {@link CliException} when the API could not be reached or the exchange broke off. */
    public static final String UNREACHABLE = "api_unreachable";
    private final URI base;
    private final Optional<String> apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ControlApi(URI base, Optional<String> apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    public URI base() {
        return base;
    }

    /** A refusal from the API: status, its error code and message, and the body it came in. */
    public static final class ApiError extends CliException {
        private final int status;
        private final JsonNode body;

        ApiError(int status, JsonNode body, String message) {
            super(body.path("error").asText("error"), body.path("code").isInt() ? body.get("code").asInt() : codeFor(status), message);
            this.status = status;
            this.body = body;
        }

        public int status() {
            return status;
        }

        /** The API's own error body, extra fields ({@code required_scope}, {@code field}, {@code retry_after}) included. */
        @Override
        public com.fasterxml.jackson.databind.node.ObjectNode json() {
            if (body instanceof com.fasterxml.jackson.databind.node.ObjectNode object && object.path("error").isTextual()
                    && object.path("message").isTextual() && object.path("code").isInt()) {
                return object.deepCopy();
            }
            return super.json(); // not the API's shape (an OAuth error, a proxy's page): the same fields, made here
        }
    }

    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    public JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    /** A form-encoded POST, as the OAuth token endpoint expects; OAuth errors carry error_description. */
    public JsonNode postForm(String path, Map<String, String> form) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(WebLogin.form(form))).build();
        return exchange(request, json -> json.path("error_description").asText(json.path("message").asText("")));
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    public JsonNode send(String method, String path, Object body) {
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .header("Accept", "application/json");
        } catch (IOException e) {
            throw new CliException("cannot encode the request: " + e.getMessage());
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        apiKey.ifPresent(key -> request.header("Authorization", "Bearer " + key));
        return exchange(request.build(), json -> json.path("message").asText("")
                + (json.has("required_scope") ? " (needs " + json.get("required_scope").asText() + ")" : ""));
    }

    /** Sends, and turns an error answer into an {@link ApiError} whose message {@code describe} picks from the body. */
    private JsonNode exchange(HttpRequest request, java.util.function.Function<JsonNode, String> describe) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
            if (response.statusCode() >= 400) {
                String message = describe.apply(json);
                throw new ApiError(response.statusCode(), json, message.isBlank() ? "HTTP " + response.statusCode() : message);
            }
            return json;
        } catch (ConnectException e) {
            throw new CliException(UNREACHABLE, 5003, "cannot reach the Adit API at " + base
                    + " (is `adit server` running? set --api-url or ADIT_API_URL)");
        } catch (IOException e) {
            throw new CliException(UNREACHABLE, 5003, "talking to the Adit API at " + base + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    /** The caller's tunnel with this name, if their organization has one that is not deleted. */
    public Optional<JsonNode> tunnelNamed(String name) {
        String cursor = null;
        do {
            JsonNode page = get("/v1/tunnels?limit=100" + (cursor == null ? "" : "&cursor=" + cursor));
            for (JsonNode t : page.path("tunnels")) {
                if (name.equals(t.path("tunnel_name").asText())) {
                    return Optional.of(t);
                }
            }
            cursor = page.path("next_cursor").isTextual() ? page.get("next_cursor").asText() : null;
        } while (cursor != null);
        return Optional.empty();
    }

    public static Map<String, Object> body(Object... pairs) {
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
