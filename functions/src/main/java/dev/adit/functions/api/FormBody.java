package dev.adit.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adit.functions.oauth.OAuthError;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of an OAuth request body: form-encoded as RFC 6749 says, or JSON as reference
 * 001 shows. A parameter sent twice is an error (RFC 6749 section 3.2), not a choice between two.
 */
record FormBody(Map<String, String> values) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 16 * 1024;

    static FormBody parse(Optional<String> contentType, String body) {
        String raw = body == null ? "" : body;
        if (raw.length() > MAX_BODY) {
            throw OAuthError.invalidRequest("the request body is too large");
        }
        boolean json = contentType.map(t -> t.toLowerCase().startsWith("application/json")).orElse(false);
        return json ? fromJson(raw) : fromForm(raw);
    }

    private static FormBody fromForm(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw.isBlank()) {
            return new FormBody(out);
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw OAuthError.invalidRequest("the request body is not valid application/x-www-form-urlencoded");
            }
            if (out.put(name, value) != null) {
                throw OAuthError.invalidRequest("parameter '" + name + "' is repeated");
            }
        }
        return new FormBody(out);
    }

    private static FormBody fromJson(String raw) {
        Map<String, String> out = new HashMap<>();
        JsonNode node;
        try {
            node = raw.isBlank() ? JSON.createObjectNode() : JSON.readTree(raw);
        } catch (java.io.IOException e) {
            throw OAuthError.invalidRequest("the request body is not valid JSON");
        }
        if (!node.isObject()) {
            throw OAuthError.invalidRequest("the request body must be a JSON object");
        }
        for (var field : node.properties()) {
            if (!field.getValue().isTextual()) {
                throw OAuthError.invalidRequest("parameter '" + field.getKey() + "' must be a string");
            }
            out.put(field.getKey(), field.getValue().asText());
        }
        return new FormBody(out);
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name)).filter(v -> !v.isEmpty());
    }
}
