package dev.adit.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adit.functions.testing.LambdaContext;
import dev.adit.functions.testing.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The same controllers behind API Gateway's HTTP API (payload 2.0), invoked as Lambda would. */
class ApiHandlerTest {
    private static final ObjectMapper EVENTS = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static ApiHandler handler;

    @BeforeAll
    static void start() {
        handler = new ApiHandler(LocalStack.functionContext());
    }

    @AfterAll
    static void stop() {
        handler.close();
    }

    private static APIGatewayV2HTTPEvent event(String method, String path, String query, String body, String apiKey) throws Exception {
        try (InputStream in = ApiHandlerTest.class.getResourceAsStream("event.json")) {
            APIGatewayV2HTTPEvent event = EVENTS.readValue(in, APIGatewayV2HTTPEvent.class);
            event.setRawPath(path);
            event.setRawQueryString(query);
            event.getRequestContext().getHttp().setMethod(method);
            event.getRequestContext().getHttp().setPath(path);
            event.setBody(body);
            if (apiKey != null) {
                event.getHeaders().put("authorization", "Bearer " + apiKey);
            }
            return event;
        }
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws Exception {
        return EVENTS.readTree(response.getBody());
    }

    @Test
    void signupAndTunnelCreationWorkThroughApiGatewayEvents() throws Exception {
        String email = "lambda-" + UUID.randomUUID() + "@example.test";
        var signup = handler.handleRequest(event("POST", "/v1/auth/signup", "",
                "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\",\"name\":\"L\"}", null), new LambdaContext());
        assertEquals(201, signup.getStatusCode(), signup.getBody());
        String key = json(signup).get("api_key").asText();

        String name = "lambda-" + UUID.randomUUID().toString().substring(0, 8);
        var created = handler.handleRequest(event("POST", "/v1/tunnels", "", "{\"tunnel_name\":\"" + name + "\"}", key), new LambdaContext());
        assertEquals(201, created.getStatusCode(), created.getBody());
        assertEquals(name, json(created).get("tunnel_name").asText());

        var listed = handler.handleRequest(event("GET", "/v1/tunnels", "limit=5", null, key), new LambdaContext());
        assertEquals(200, listed.getStatusCode(), listed.getBody());
        assertEquals(1, json(listed).get("tunnels").size());
        assertTrue(listed.getHeaders().keySet().stream().anyMatch(h -> h.equalsIgnoreCase("X-RateLimit-Remaining")), listed.getHeaders()::toString);
    }

    @Test
    void errorsKeepTheirBodyThroughLambda() throws Exception {
        var unauthorized = handler.handleRequest(event("GET", "/v1/tunnels", "", null, null), new LambdaContext());
        assertEquals(401, unauthorized.getStatusCode());
        assertEquals(4001, json(unauthorized).get("code").asInt());
        var malformed = handler.handleRequest(event("POST", "/v1/auth/signup", "", "{oops", null), new LambdaContext());
        assertEquals(400, malformed.getStatusCode(), malformed.getBody());
        assertEquals("invalid_json", json(malformed).get("error").asText());
    }
}
