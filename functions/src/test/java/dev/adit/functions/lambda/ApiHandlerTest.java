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
            // API Gateway sends both the raw query and its decoded parameters
            Map<String, String> parameters = new java.util.LinkedHashMap<>();
            for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
                String[] kv = pair.split("=", 2);
                parameters.put(java.net.URLDecoder.decode(kv[0], java.nio.charset.StandardCharsets.UTF_8),
                        kv.length > 1 ? java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8) : "");
            }
            event.setQueryStringParameters(parameters.isEmpty() ? null : parameters);
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
        String email = "lambda-trailing-" + UUID.randomUUID() + "@example.test";
        var trailing = handler.handleRequest(event("POST", "/v1/auth/signup", "",
                "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\",\"name\":\"L\"} junk", null), new LambdaContext());
        assertEquals(400, trailing.getStatusCode(), trailing.getBody());
        assertEquals("invalid_json", json(trailing).get("error").asText());
    }

    @Test
    void theOAuthPagesKeepTheirCookiesThroughApiGateway() throws Exception {
        String email = "lambda-oauth-" + UUID.randomUUID() + "@example.test";
        var signup = handler.handleRequest(event("POST", "/v1/auth/signup", "",
                "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\",\"name\":\"L\"}", null), new LambdaContext());
        String key = json(signup).get("api_key").asText();
        var client = handler.handleRequest(event("POST", "/v1/oauth/clients", "",
                "{\"name\":\"App\",\"redirect_uris\":[\"https://app.example.test/cb\"]}", key), new LambdaContext());
        assertEquals(201, client.getStatusCode(), client.getBody());
        String clientId = json(client).get("client_id").asText();

        var page = handler.handleRequest(event("GET", "/v1/oauth/authorize", "response_type=code&client_id=" + clientId
                + "&redirect_uri=https%3A%2F%2Fapp.example.test%2Fcb&scope=tunnels%3Aread&state=xyz", null, null), new LambdaContext());
        assertEquals(200, page.getStatusCode(), page.getBody());
        java.util.List<String> cookies = new java.util.ArrayList<>(setCookies(page));
        assertTrue(cookies.stream().anyMatch(c -> c.startsWith("adit_browser=")), cookies::toString);
        var login = form("POST", "/v1/oauth/login", cookies, "request_id=" + hidden(page.getBody(), "request_id")
                + "&csrf_token=" + hidden(page.getBody(), "csrf_token") + "&email=" + java.net.URLEncoder.encode(email, java.nio.charset.StandardCharsets.UTF_8)
                + "&password=correct+horse+battery");
        assertEquals(303, login.getStatusCode(), login.getBody());
        cookies.addAll(setCookies(login));
        var consent = form("GET", "/v1/oauth/consent", cookies, null, "request_id=" + hidden(page.getBody(), "request_id"));
        assertEquals(200, consent.getStatusCode(), consent.getBody());
        java.util.regex.Matcher org = java.util.regex.Pattern.compile("<option value=\"([^\"]+)\">").matcher(consent.getBody());
        assertTrue(org.find());
        var approved = form("POST", "/v1/oauth/consent", cookies, "request_id=" + hidden(consent.getBody(), "request_id")
                + "&csrf_token=" + hidden(consent.getBody(), "csrf_token") + "&organization_id=" + org.group(1) + "&decision=approve");
        assertEquals(303, approved.getStatusCode(), approved.getBody());
        String location = header(approved, "Location");
        assertTrue(location.startsWith("https://app.example.test/cb?code="), location);
        assertTrue(location.endsWith("&state=xyz"), location);
    }

    private static APIGatewayV2HTTPResponse form(String method, String path, java.util.List<String> cookies, String body) throws Exception {
        return form(method, path, cookies, body, "");
    }

    private static APIGatewayV2HTTPResponse form(String method, String path, java.util.List<String> cookies, String body, String query) throws Exception {
        APIGatewayV2HTTPEvent e = event(method, path, query, body, null);
        if (body != null) {
            e.getHeaders().put("content-type", "application/x-www-form-urlencoded");
        }
        e.getHeaders().put("accept", "text/html,application/xhtml+xml");
        // as API Gateway v2 delivers them: in the event's cookies list, not a Cookie header
        e.setCookies(cookies.stream().map(c -> c.split(";", 2)[0]).toList());
        return handler.handleRequest(e, new LambdaContext());
    }

    /** Set-Cookie as API Gateway v2 carries it: the response's cookies list, or a header. */
    private static java.util.List<String> setCookies(APIGatewayV2HTTPResponse response) {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (response.getCookies() != null) {
            out.addAll(response.getCookies());
        }
        if (response.getMultiValueHeaders() != null) {
            response.getMultiValueHeaders().forEach((k, v) -> {
                if (k.equalsIgnoreCase("Set-Cookie")) {
                    out.addAll(v);
                }
            });
        }
        if (out.isEmpty() && response.getHeaders() != null) {
            response.getHeaders().forEach((k, v) -> {
                if (k.equalsIgnoreCase("Set-Cookie")) {
                    out.add(v);
                }
            });
        }
        return out;
    }

    private static String header(APIGatewayV2HTTPResponse response, String name) {
        return response.getHeaders().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + response.getHeaders()));
    }

    private static String hidden(String html, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        assertTrue(m.find(), html);
        return m.group(1);
    }
}
