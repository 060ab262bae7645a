package dev.adit.infra;

import dev.adit.dynamodb.embedded.EmbeddedDynamoDb;
import dev.adit.events.table.AditTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The artifact the stack deploys, run the way the Lambda Java runtime runs it: unzipped, its lib/
 * jars on a class loader of their own (nothing from this build leaks in), the handler invoked with
 * an API Gateway payload 2.0 event against DynamoDB Local. Reports the cold start.
 */
class PackagedLambdaTest {
    private static final Map<String, String> CONFIG = Map.of(
            "adit.table-name", "adit-packaged",
            "adit.rate-limits.signups-per-hour", "1000");

    @Test
    void packagedApiHandlerAnswersAnApiGatewayEventFromAFreshClassLoader(@TempDir Path unpacked) throws Exception {
        Path artifact = Path.of(System.getProperty("adit.lambdaArtifact", "target/lambda/adit-functions-lambda.zip"));
        assertTrue(Files.isRegularFile(artifact), "missing " + artifact + ": run mvn -pl functions -am package");
        List<URL> jars = unzip(artifact, unpacked);
        assertTrue(jars.size() > 10, "the zip carries the handler and its dependencies under lib/");

        try (EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.startInMemory(); var client = dynamo.client()) {
            AditTable.ensureTable(client, "adit-packaged");
            System.setProperty("adit.dynamodb.endpoint", dynamo.endpoint().toString());
            CONFIG.forEach(System::setProperty);
            ClassLoader testLoader = Thread.currentThread().getContextClassLoader();
            try (URLClassLoader lambda = new URLClassLoader(jars.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
                // the runtime makes the function's loader the context loader: service lookups must find its jars, not ours
                Thread.currentThread().setContextClassLoader(lambda);
                long start = System.nanoTime();
                Object handler = lambda.loadClass("dev.adit.functions.lambda.ApiHandler").getConstructor().newInstance();
                Object first = invoke(lambda, handler, signupEvent());
                long coldMillis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(201, status(first), body(first));
                assertTrue(body(first).contains("\"api_key\":\"it_"), body(first));

                long warmStart = System.nanoTime();
                Object second = invoke(lambda, handler, signupEvent());
                long warmMillis = (System.nanoTime() - warmStart) / 1_000_000;
                assertEquals(201, status(second));
                System.out.printf("packaged Lambda: cold start (class loading + context + first request) %d ms, warm request %d ms%n",
                        coldMillis, warmMillis);
                ((AutoCloseable) handler).close();
            } finally {
                Thread.currentThread().setContextClassLoader(testLoader);
            }
        } finally {
            System.clearProperty("adit.dynamodb.endpoint");
            CONFIG.keySet().forEach(System::clearProperty);
        }
    }

    @Test
    void packagedStreamConsumerStartsWithTheSnsFanoutFromAFreshClassLoader(@TempDir Path unpacked) throws Exception {
        Path artifact = Path.of(System.getProperty("adit.lambdaArtifact", "target/lambda/adit-functions-lambda.zip"));
        List<URL> jars = unzip(artifact, unpacked);
        Map<String, String> config = Map.of(
                "adit.table-name", "adit-packaged-stream",
                // what the stack sets as ADIT_ROUTING_TOPIC_ARN; no call reaches SNS for an empty batch
                "adit.routing.topic-arn", "arn:aws:sns:eu-west-1:123456789012:adit-test-routing",
                "adit.routing.region", "eu-west-1");
        try (EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.startInMemory()) {
            System.setProperty("adit.dynamodb.endpoint", dynamo.endpoint().toString());
            config.forEach(System::setProperty);
            ClassLoader testLoader = Thread.currentThread().getContextClassLoader();
            try (URLClassLoader lambda = new URLClassLoader(jars.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
                Thread.currentThread().setContextClassLoader(lambda);
                String handlerClass = AditStack.STREAM_CONSUMER_HANDLER.substring(0, AditStack.STREAM_CONSUMER_HANDLER.indexOf("::"));
                Object handler = lambda.loadClass(handlerClass).getConstructor().newInstance();
                Class<?> eventClass = lambda.loadClass("com.amazonaws.services.lambda.runtime.events.DynamodbEvent");
                Object event = eventClass.getConstructor().newInstance();
                eventClass.getMethod("setRecords", List.class).invoke(event, List.of());
                Class<?> contextClass = lambda.loadClass("com.amazonaws.services.lambda.runtime.Context");
                Object context = Proxy.newProxyInstance(lambda, new Class<?>[]{contextClass}, (proxy, method, args) -> null);
                Object response = handler.getClass().getMethod("handleRequest", Object.class, contextClass).invoke(handler, event, context);
                assertEquals(List.of(), response.getClass().getMethod("getBatchItemFailures").invoke(response));
                ((AutoCloseable) handler).close();
            } finally {
                Thread.currentThread().setContextClassLoader(testLoader);
            }
        } finally {
            System.clearProperty("adit.dynamodb.endpoint");
            config.keySet().forEach(System::clearProperty);
        }
    }

    private static String signupEvent() {
        String body = "{\"email\":\"packaged-" + UUID.randomUUID() + "@example.test\",\"password\":\"correct horse battery\",\"name\":\"P\"}";
        return """
                {"version":"2.0","routeKey":"$default","rawPath":"/v1/auth/signup","rawQueryString":"",
                 "headers":{"content-type":"application/json","host":"api.adit.example","x-forwarded-for":"203.0.113.9"},
                 "requestContext":{"accountId":"000000000000","apiId":"abc123","domainName":"api.adit.example",
                   "http":{"method":"POST","path":"/v1/auth/signup","protocol":"HTTP/1.1","sourceIp":"203.0.113.9","userAgent":"curl/8"},
                   "requestId":"r1","routeKey":"$default","stage":"$default","timeEpoch":1795316400000},
                 "body":%s,"isBase64Encoded":false}
                """.formatted("\"" + body.replace("\"", "\\\"") + "\"");
    }

    /** handler.handleRequest(event, context) with the event parsed and the context made inside the Lambda's class loader. */
    private static Object invoke(ClassLoader lambda, Object handler, String eventJson) throws Exception {
        Class<?> mapperClass = lambda.loadClass("com.fasterxml.jackson.databind.ObjectMapper");
        Object mapper = mapperClass.getConstructor().newInstance();
        Class<?> feature = lambda.loadClass("com.fasterxml.jackson.databind.DeserializationFeature");
        Object ignoreUnknown = feature.getField("FAIL_ON_UNKNOWN_PROPERTIES").get(null);
        mapperClass.getMethod("configure", feature, boolean.class).invoke(mapper, ignoreUnknown, false);
        Class<?> eventClass = lambda.loadClass("com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent");
        Object event = mapperClass.getMethod("readValue", String.class, Class.class).invoke(mapper, eventJson, eventClass);
        Class<?> contextClass = lambda.loadClass("com.amazonaws.services.lambda.runtime.Context");
        Object context = Proxy.newProxyInstance(lambda, new Class<?>[]{contextClass}, (proxy, method, args) -> switch (method.getName()) {
            case "getAwsRequestId" -> "packaged-test";
            case "getFunctionName" -> "adit-api";
            case "getRemainingTimeInMillis" -> 15_000;
            case "getMemoryLimitInMB" -> 2048;
            case "toString" -> "LambdaContext";
            default -> null;
        });
        Method handle = handler.getClass().getMethod("handleRequest", Object.class, contextClass);
        return handle.invoke(handler, event, context);
    }

    private static int status(Object response) throws Exception {
        return (int) response.getClass().getMethod("getStatusCode").invoke(response);
    }

    private static String body(Object response) throws Exception {
        return (String) response.getClass().getMethod("getBody").invoke(response);
    }

    private static List<URL> unzip(Path zip, Path into) throws IOException {
        List<URL> jars = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("zip entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                Files.copy(in, target);
                if (target.toString().endsWith(".jar")) {
                    jars.add(target.toUri().toURL());
                }
            }
        }
        return jars;
    }
}
