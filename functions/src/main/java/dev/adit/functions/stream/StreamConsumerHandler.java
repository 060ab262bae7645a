package dev.adit.functions.stream;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.adit.events.routing.RoutingFanout;
import dev.adit.functions.finalizer.TunnelFinalizer;
import io.micronaut.context.ApplicationContext;

import java.util.List;

/**
 * The stream-consumer Lambda: the table's stream (tunnel items only, by the event source's filter)
 * to {@link StreamConsumer}. Failed records are reported one by one (ReportBatchItemFailures), so a
 * retry starts at the first failure instead of repeating the whole batch.
 */
public class StreamConsumerHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse>, AutoCloseable {
    private final ApplicationContext context;
    private final StreamConsumer consumer;

    public StreamConsumerHandler() {
        this(ApplicationContext.builder().environments("function").start());
    }

    public StreamConsumerHandler(ApplicationContext context) {
        this.context = context;
        this.consumer = new StreamConsumer(context.getBean(TunnelFinalizer.class), context.findBean(RoutingFanout.class));
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context lambda) {
        List<String> failed = consumer.handle(LambdaStreamRecords.toSdk(event.getRecords()));
        if (!failed.isEmpty()) {
            lambda.getLogger().log(failed.size() + " stream records to retry, from " + failed);
        }
        return StreamsEventResponse.builder().withBatchItemFailures(failed.stream()
                .map(sequence -> StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(sequence).build())
                .toList()).build();
    }

    @Override
    public void close() {
        context.close();
    }
}
