package dev.adit.functions.finalizer;

import dev.adit.events.stream.StartPosition;
import dev.adit.events.stream.StreamRecords;
import dev.adit.events.stream.StreamTailer;
import dev.adit.events.table.AditTable;
import dev.adit.functions.platform.Dynamo;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.net.URI;
import java.time.Duration;

/**
 * The TTL finalizer in-process, for `adit server`: tails the local table's stream from its oldest
 * record (the finalizer is idempotent, so a replay after a restart changes nothing). On AWS the
 * same work is done by the stream-consumer Lambda ({@code dev.adit.functions.stream.StreamConsumerHandler}).
 */
@Context
@Requires(property = "adit.local-finalizer.enabled", value = "true")
public class LocalFinalizer implements AutoCloseable {
    private final DynamoDbStreamsClient streams;
    private final StreamTailer tailer;

    public LocalFinalizer(Dynamo dynamo, TunnelFinalizer finalizer, @Value("${adit.dynamodb.endpoint}") String endpoint) {
        this.streams = DynamoDbStreamsClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
        this.tailer = StreamTailer.builder(streams, AditTable.streamArn(dynamo.client(), dynamo.tableName()),
                        records -> records.stream().filter(StreamRecords::isTtlDeletion)
                                .forEach(record -> finalizer.onRemove(true, record.dynamodb().oldImage())))
                .startPosition(StartPosition.TRIM_HORIZON)
                .idleDelay(Duration.ofMillis(250))
                .threadName("adit-ttl-finalizer")
                .build();
        tailer.start();
    }

    @Override
    @PreDestroy
    public void close() {
        tailer.close();
        streams.close();
    }
}
