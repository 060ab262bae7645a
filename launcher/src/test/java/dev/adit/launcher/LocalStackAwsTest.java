package dev.adit.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.adit.agent.Agent;
import dev.adit.agent.AgentConfig;
import dev.adit.edge.EdgeConfig;
import dev.adit.edge.EdgeServer;
import dev.adit.edge.tls.SelfSignedCa;
import dev.adit.events.table.AditTable;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control API and an edge against LocalStack's DynamoDB (and its streams), where a Docker
 * engine is available. Without one JUnit reports the class as skipped: "Docker is not available".
 * The default suite runs on DynamoDB Local instead.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackAwsTest {
    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer(DockerImageName.parse("localstack/localstack:3.8"))
            .withServices(LocalStackContainer.Service.DYNAMODB);

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aTunnelServesTrafficWithTheStoreOnLocalStack() throws Exception {
        URI endpoint = LOCALSTACK.getEndpointOverride(LocalStackContainer.Service.DYNAMODB);
        String table = "adit-localstack";
        try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(endpoint)
                .region(Region.of(LOCALSTACK.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
                .build()) {
            AditTable.ensureTable(dynamo, table);
        }
        SelfSignedCa ca = SelfSignedCa.create("localstack test CA");
        HttpServer local = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        local.createContext("/", exchange -> {
            byte[] body = "via localstack".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        local.start();
        try (EdgeServer edge = new EdgeServer(EdgeConfig.builder(ca.issueServer("localhost", List.of("localhost"), List.of("127.0.0.1")))
                .anyPorts().domain("localhost").dynamoEndpoint(endpoint).region(LOCALSTACK.getRegion()).table(table).build()).start();
             ApplicationContext api = ApplicationContext.run(EmbeddedServer.class, Map.of(
                     "micronaut.server.port", -1,
                     "adit.dynamodb.endpoint", endpoint.toString(),
                     "adit.dynamodb.region", LOCALSTACK.getRegion(),
                     "adit.table-name", table)).getApplicationContext()) {
            String apiUrl = "http://127.0.0.1:" + api.getBean(EmbeddedServer.class).getPort();
            HttpClient http = HttpClient.newHttpClient();
            JsonNode signup = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(apiUrl + "/v1/auth/signup"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"ls-" + UUID.randomUUID()
                            + "@example.test\",\"password\":\"correct horse battery\",\"name\":\"L\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String name = "ls-" + UUID.randomUUID().toString().substring(0, 8);
            JsonNode tunnel = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(apiUrl + "/v1/tunnels"))
                    .header("Authorization", "Bearer " + signup.get("api_key").asText()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"tunnel_name\":\"" + name + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            try (Agent agent = new Agent(AgentConfig.of("localhost", edge.agentPort(), name, tunnel.get("connect_secret").asText(),
                    List.of(ca.certificate()), local.getAddress().getPort())).start()) {
                assertTrue(agent.awaitConnected(Duration.ofSeconds(20)), agent.state()::toString);
                String answer = visit(edge.publicPort(), name);
                assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("via localstack"), answer);
            }
            assertEquals(name, tunnel.get("tunnel_name").asText());
        } finally {
            local.stop(0);
        }
    }

    private static String visit(int port, String name) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + name + ".localhost:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            try (InputStream in = socket.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }
}
