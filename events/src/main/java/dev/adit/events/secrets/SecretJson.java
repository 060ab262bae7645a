package dev.adit.events.secrets;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of a secret kept as a JSON object of strings, e.g. {@code {"cert": "...", "key": "..."}}.
 * Errors name the secret and the field but never quote the content: a parser's own message would
 * (Jackson's shows the token it choked on), and the content is a private key.
 */
public final class SecretJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SecretJson() {
    }

    /**
     * The named fields, each a non-blank string; other fields are ignored.
     *
     * @param secretName how errors name the secret (its ARN, say)
     * @throws IllegalArgumentException the text is not a JSON object, or a field is missing, blank or not a string
     */
    public static Map<String, String> requiredStrings(String text, String secretName, List<String> fields) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JacksonException e) {
            root = null; // the exception's message quotes the secret: dropped on purpose
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("secret " + secretName + " is not a JSON object with the fields " + fields);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String field : fields) {
            JsonNode value = root.get(field);
            if (value == null || !value.isTextual() || value.asText().isBlank()) {
                throw new IllegalArgumentException("secret " + secretName + ": field \"" + field + "\" is missing, empty or not a string");
            }
            values.put(field, value.asText());
        }
        return values;
    }
}
