package dev.adit.functions.fanout;

import dev.adit.events.routing.RoutingFanout;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.SnsClientBuilder;

/**
 * The routing fan-out, when a topic is configured ({@code ADIT_ROUTING_TOPIC_ARN}, set by the
 * stack on the stream-consumer function). Without one there is no fan-out bean: local mode, where
 * edges read the table's stream themselves.
 */
@Factory
public class FanoutFactory {
    static final String TOPIC_ARN = "adit.routing.topic-arn";

    @Singleton
    @Bean(preDestroy = "close")
    @Requires(property = TOPIC_ARN, pattern = ".+")
    SnsClient routingSnsClient(@Value("${adit.routing.region:}") String region) {
        SnsClientBuilder builder = SnsClient.builder().httpClient(UrlConnectionHttpClient.create());
        if (!region.isBlank()) {
            builder.region(Region.of(region));
        }
        return builder.build();
    }

    @Singleton
    @Requires(property = TOPIC_ARN, pattern = ".+")
    RoutingFanout routingFanout(SnsClient sns, @Value("${" + TOPIC_ARN + "}") String topicArn) {
        return new RoutingFanout(new SnsRoutingTopic(sns, topicArn));
    }
}
