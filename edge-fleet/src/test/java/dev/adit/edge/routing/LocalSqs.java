package dev.adit.edge.routing;

import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.net.URI;
import java.util.Map;

/**
 * ElasticMQ, an SQS-compatible server, in the test JVM on a loopback port: one for the whole JVM.
 * Edges talk to it with the real SQS client over HTTP, exactly as to SQS.
 */
public final class LocalSqs {
    private static LocalSqs instance;

    private final SQSRestServer server;
    private final URI endpoint;

    private LocalSqs() {
        server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        endpoint = URI.create("http://127.0.0.1:" + server.waitUntilStarted().localAddress().getPort());
    }

    public static synchronized LocalSqs get() {
        if (instance == null) {
            instance = new LocalSqs();
            Runtime.getRuntime().addShutdownHook(new Thread(instance.server::stopAndWait));
        }
        return instance;
    }

    /** A client; the interceptors see every request it sends (to check what was asked of SQS). */
    public SqsClient client(ExecutionInterceptor... observers) {
        return SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .overrideConfiguration(c -> java.util.Arrays.stream(observers).forEach(c::addExecutionInterceptor))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build();
    }

    /** Messages in the queue, visible or being handled. */
    public static int messagesIn(SqsClient sqs, String queueUrl) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }
}
