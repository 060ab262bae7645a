package dev.adit.functions.finalizer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import io.micronaut.context.ApplicationContext;

import java.util.ArrayList;
import java.util.List;

/**
 * The TTL finalizer as a Lambda on the table's stream. Failed records are reported one by one
 * (ReportBatchItemFailures), so a retry repeats only what did not succeed.
 */
public class TtlFinalizerHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse>, AutoCloseable {
    private final ApplicationContext context;
    private final TunnelFinalizer finalizer;

    public TtlFinalizerHandler() {
        this(ApplicationContext.builder().environments("function").start());
    }

    public TtlFinalizerHandler(ApplicationContext context) {
        this.context = context;
        this.finalizer = context.getBean(TunnelFinalizer.class);
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context lambda) {
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            if (!"REMOVE".equals(record.getEventName())) {
                continue;
            }
            try {
                finalizer.onRemove(removedByTtl(record.getUserIdentity()),
                        LambdaAttributes.toSdk(record.getDynamodb().getOldImage()));
            } catch (RuntimeException e) {
                lambda.getLogger().log("finalizing " + record.getEventID() + " failed: " + e);
                failures.add(StreamsEventResponse.BatchItemFailure.builder()
                        .withItemIdentifier(record.getDynamodb().getSequenceNumber()).build());
            }
        }
        return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
    }

    static boolean removedByTtl(Identity identity) {
        return identity != null && "Service".equals(identity.getType())
                && "dynamodb.amazonaws.com".equals(identity.getPrincipalId());
    }

    @Override
    public void close() {
        context.close();
    }
}
