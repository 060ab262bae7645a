package dev.adit.events.secrets.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Secrets Manager endpoint on 127.0.0.1 for tests: a real HTTP server speaking the service's
 * AWS JSON 1.1 protocol for {@code GetSecretValue} ({@code X-Amz-Target: secretsmanager.GetSecretValue}),
 * so the real SDK client, pointed here by its endpoint override, signs, sends, parses answers and
 * maps errors exactly as it does against AWS. There is no local Secrets Manager to run instead
 * (LocalStack needs Docker, moto is not packaged here). Secrets are created and rotated from the
 * test through {@link #create} and {@link #put}, as an operator would with the aws CLI; every put
 * is a new version with a new VersionId. Signatures are recorded, not verified.
 */
public final class SecretsManagerEndpoint implements AutoCloseable {
    public static final String ACCOUNT = "123456789012";
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Version(String id, String text) {
    }

    /** What one request looked like: enough to assert on signing (region, access key) and on polling. */
    public record Request(String target, String secretId, String authorization) {
    }

    private final HttpServer server;
    private final String region;
    private final Map<String, String> arnsByName = new ConcurrentHashMap<>();
    private final Map<String, Version> current = new ConcurrentHashMap<>();
    private final Set<String> denied = ConcurrentHashMap.newKeySet();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private SecretsManagerEndpoint(String region) throws IOException {
        this.region = region;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    private boolean setsCredentials;

    /** Starts an endpoint whose secrets have ARNs in {@code region}. */
    public static SecretsManagerEndpoint start(String region) {
        try {
            return new SecretsManagerEndpoint(region);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Like {@link #start(String)}, for code that takes credentials from the SDK's default chain (a
     * task or function role on AWS): test credentials in the system properties until {@link #close()}.
     */
    public static SecretsManagerEndpoint startForDefaultCredentials(String region) {
        SecretsManagerEndpoint endpoint = start(region);
        System.setProperty("aws.accessKeyId", "AKIDTEST");
        System.setProperty("aws.secretAccessKey", "test");
        endpoint.setsCredentials = true;
        return endpoint;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Creates a secret with a first version; returns its complete ARN (name plus six random characters). */
    public String create(String name, String text) {
        String arn = "arn:aws:secretsmanager:" + region + ":" + ACCOUNT + ":secret:" + name + "-"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 6);
        arnsByName.put(name, arn);
        put(arn, text);
        return arn;
    }

    /** A new current version of the secret ({@code aws secretsmanager put-secret-value}); returns its VersionId. */
    public String put(String arn, String text) {
        String versionId = UUID.randomUUID().toString();
        current.put(arn, new Version(versionId, text));
        return versionId;
    }

    /** From now on GetSecretValue on this secret answers AccessDeniedException, as IAM would without a grant. */
    public void deny(String arn) {
        denied.add(arn);
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            String secretId = body.path("SecretId").asText("");
            requests.add(new Request(target, secretId, exchange.getRequestHeaders().getFirst("Authorization")));
            if (!"POST".equals(exchange.getRequestMethod()) || !target.equals("secretsmanager.GetSecretValue")) {
                error(exchange, "UnknownOperationException", "this endpoint knows only GetSecretValue, not " + target);
                return;
            }
            String arn = arnsByName.getOrDefault(secretId, secretId);
            Version version = current.get(arn);
            if (denied.contains(arn)) {
                error(exchange, "AccessDeniedException", "User: arn:aws:sts::" + ACCOUNT + ":assumed-role/test is not authorized"
                        + " to perform: secretsmanager:GetSecretValue on resource: " + secretId);
            } else if (version == null) {
                error(exchange, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
            } else {
                ObjectNode answer = JSON.createObjectNode()
                        .put("ARN", arn)
                        .put("Name", arn.substring(arn.indexOf(":secret:") + 8, arn.length() - 7))
                        .put("VersionId", version.id())
                        .put("SecretString", version.text())
                        .put("CreatedDate", System.currentTimeMillis() / 1000.0);
                answer.putArray("VersionStages").add("AWSCURRENT");
                send(exchange, 200, answer);
            }
        }
    }

    private static void error(HttpExchange exchange, String type, String message) throws IOException {
        exchange.getResponseHeaders().add("x-amzn-ErrorType", type);
        send(exchange, 400, JSON.createObjectNode().put("__type", type).put("Message", message));
    }

    private static void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        if (setsCredentials) {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
        server.stop(0);
    }
}
