package dev.adit.functions.api;

import dev.adit.functions.oauth.OAuthError;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of an OAuth request body, form-encoded as RFC 6749 says or JSON as reference 001
 * shows, as the framework decoded them (the HTTP server and the Lambda adapter both decode a form
 * into a map; neither hands over the raw text). Every parameter must be one string: a parameter
 * sent twice is an error (RFC 6749 section 3.2), not a choice between two values.
 */
record FormBody(Map<String, String> values) {

    static FormBody of(Map<String, Object> decoded) {
        Map<String, String> out = new HashMap<>();
        if (decoded == null) {
            return new FormBody(out);
        }
        for (var e : decoded.entrySet()) {
            Object value = e.getValue();
            if (value instanceof Collection<?> many) {
                if (many.size() != 1) {
                    throw OAuthError.invalidRequest("parameter '" + e.getKey() + "' is repeated");
                }
                value = many.iterator().next();
            }
            if (value == null) {
                continue;
            }
            if (!(value instanceof CharSequence text)) {
                throw OAuthError.invalidRequest("parameter '" + e.getKey() + "' must be a string");
            }
            out.put(e.getKey(), text.toString());
        }
        return new FormBody(out);
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name)).filter(v -> !v.isEmpty());
    }
}
