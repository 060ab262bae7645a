package dev.adit.edge.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adit.events.routing.RoutingMessageCodec;
import dev.adit.events.routing.RoutingMessageCodec.Decoded;
import dev.adit.events.stream.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Routing changes from the fan-out: the stream consumer publishes every change to an SNS topic, and
 * each edge reads its own SQS queue subscribed to it. At start the edge makes its queue and
 * subscribes it; a virtual thread long-polls it, hands each change to the listener and deletes
 * what it handled; on close the edge unsubscribes and deletes the queue.
 *
 * <p>Delivery is at least once and unordered, and what was published before the subscription took
 * effect is never delivered. None of that can let an agent or a visitor through: admission and
 * cache misses read DynamoDB directly, a change only evicts or re-checks, and the heartbeat re-reads
 * every connected tunnel. See docs/architecture.md, "Routing fan-out".
 */
public final class SqsRoutingFeed implements RoutingFeed {
    private static final Logger log = LoggerFactory.getLogger(SqsRoutingFeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final SqsClient sqs;
    private final TopicSubscriptions subscriptions;
    private final String topicArn;
    private final String edgeId;
    private final String queueName;
    private final RoutingQueue.Settings settings;
    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
    private volatile boolean running;
    private volatile RoutingQueue queue;
    private volatile Optional<String> subscription = Optional.empty();
    private final StaleQueueReaper reaper;
    private Consumer<RoutingChange> listener;
    private Thread poller;
    /** When the poller next renews the alive tag, and next looks for stale queues (System.nanoTime). */
    private long nextAlive;
    private long nextReap;

    public SqsRoutingFeed(SqsClient sqs, TopicSubscriptions subscriptions, String topicArn, String edgeId,
                          RoutingQueue.Settings settings) {
        this.sqs = sqs;
        this.subscriptions = subscriptions;
        this.topicArn = topicArn;
        this.edgeId = edgeId;
        this.queueName = RoutingQueue.name(topicArn, edgeId);
        this.settings = settings;
        this.reaper = new StaleQueueReaper(sqs, subscriptions, RoutingQueue.name(topicArn, ""), settings.staleAfter(),
                Clock.systemUTC());
    }

    /**
     * Sets the queue up before returning when it can (the edge opens its listeners only after
     * this, so the window in which a change can be missed is SNS's own subscription delay); if AWS
     * is not reachable yet the poller keeps trying, and the edge runs on its safety nets meanwhile.
     */
    @Override
    public synchronized void start(Consumer<RoutingChange> listener) {
        if (running) {
            return;
        }
        this.listener = listener;
        running = true;
        try {
            setUp();
        } catch (RuntimeException e) {
            log.warn("routing queue {} not set up yet, retrying in the background: {}", queueName, e.toString());
        }
        poller = Thread.ofVirtual().name("adit-routing-queue").start(this::poll);
    }

    /** The queue's URL once it exists: for tests and diagnostics. */
    public Optional<String> queueUrl() {
        return Optional.ofNullable(queue).map(RoutingQueue::url);
    }

    private void setUp() {
        if (queue == null) {
            queue = RoutingQueue.open(sqs, queueName, topicArn, edgeId, settings, Instant.now());
            nextAlive = System.nanoTime() + settings.aliveEvery().toNanos();
            // a first look soon, at a random moment so a fleet started together does not look at once
            nextReap = System.nanoTime() + (long) (ThreadLocalRandom.current().nextDouble() * settings.reapEvery().toNanos());
        }
        if (subscription.isEmpty()) {
            subscription = Optional.of(subscriptions.subscribe(queue.arn()));
            log.info("edge {} receives routing changes on {}", edgeId, queueName);
        }
    }

    private void poll() {
        while (running) {
            try {
                setUp();
                maintain();
                List<Message> messages = queue.receive(sqs, settings.longPoll());
                if (!running) {
                    break; // closing: what was just received is not acted on, nor deleted
                }
                handle(messages);
                backoff.reset();
            } catch (QueueDoesNotExistException gone) {
                if (running) {
                    // removed under us (by hand, or by a cleanup that took this edge for dead): make it again
                    log.warn("routing queue {} disappeared; making it again", queueName);
                    queue = null;
                    subscription = Optional.empty();
                }
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                Duration delay = backoff.next();
                log.warn("reading routing queue {} failed, retrying in {} ms: {}", queueName, delay.toMillis(), e.toString());
                sleep(delay);
            }
        }
    }

    /** Keeps this queue's alive tag fresh, and now and then removes the queues of dead edges. */
    private void maintain() {
        long now = System.nanoTime();
        if (now - nextAlive >= 0) {
            queue.markAlive(sqs, Instant.now());
            nextAlive = now + settings.aliveEvery().toNanos();
        }
        if (now - nextReap >= 0) {
            int subscriptionCount = 1;
            try {
                StaleQueueReaper.Result result = reaper.reap(queue.arn());
                subscriptionCount = Math.max(1, result.subscriptions());
            } catch (RuntimeException e) {
                log.debug("looking for stale routing queues failed: {}", e.toString());
            }
            // every edge does this; waiting in proportion to the fleet keeps the fleet's cost flat
            double jitter = 0.5 + ThreadLocalRandom.current().nextDouble();
            nextReap = now + (long) (settings.reapEvery().toNanos() * (double) subscriptionCount * jitter);
        }
    }

    private void handle(List<Message> messages) {
        List<Message> done = new ArrayList<>();
        for (Message message : messages) {
            switch (RoutingMessageCodec.fromJson(unwrap(message.body()))) {
                case Decoded.Change change -> {
                    try {
                        listener.accept(RoutingChange.of(change.message()));
                        done.add(message);
                    } catch (RuntimeException e) {
                        // left in the queue: offered again after the visibility timeout
                        log.warn("acting on routing change {} failed: {}", message.messageId(), e.toString());
                    }
                }
                case Decoded.Dropped dropped -> {
                    // never acted on, so never worth another delivery
                    log.warn("dropping routing message {}: {}", message.messageId(), dropped.reason());
                    done.add(message);
                }
            }
        }
        int kept = queue.delete(sqs, done);
        if (kept > 0) {
            log.warn("{} handled routing messages were not deleted and will be delivered again", kept);
        }
    }

    /**
     * The published message. Raw delivery makes that the body itself; should the subscription ever
     * lack raw delivery, the body is SNS's notification envelope with the message inside.
     */
    static String unwrap(String body) {
        if (body == null || !body.contains("\"Notification\"")) {
            return body;
        }
        try {
            JsonNode node = JSON.readTree(body);
            JsonNode inner = node.get("Message");
            return node.path("Type").asText().equals("Notification") && inner != null && inner.isTextual() ? inner.asText() : body;
        } catch (Exception e) {
            return body;
        }
    }

    private void sleep(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Unsubscribes (no more deliveries), stops the poller and deletes the queue. */
    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        subscription.ifPresent(id -> {
            try {
                subscriptions.unsubscribe(id);
            } catch (RuntimeException e) {
                log.warn("unsubscribing routing queue {} failed: {}", queueName, e.toString());
            }
        });
        if (poller != null) {
            poller.interrupt(); // ends a pending long poll
            try {
                poller.join(CLOSE_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (queue != null) {
            try {
                queue.drop(sqs);
                log.info("routing queue {} deleted", queueName);
            } catch (RuntimeException e) {
                log.warn("deleting routing queue {} failed (see docs/operations.md for stale queues): {}", queueName, e.toString());
            }
        }
    }
}
