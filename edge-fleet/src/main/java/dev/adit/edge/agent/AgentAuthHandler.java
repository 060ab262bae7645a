package dev.adit.edge.agent;

import dev.adit.edge.routing.TunnelDirectory;
import dev.adit.edge.routing.TunnelRoute;
import dev.adit.events.secrets.SecretHashes;
import dev.adit.protocol.LineDecoder;
import dev.adit.protocol.Preface;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads the agent's preface line, admits or refuses it against DynamoDB (always a consistent read,
 * never the cache or the stream), and on success turns the connection into an HTTP/2 client
 * connection by replacing itself with {@link EdgeHttp2}'s handlers.
 */
final class AgentAuthHandler extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(AgentAuthHandler.class);
    private static final long PREFACE_TIMEOUT_SECONDS = 10;

    private final TunnelDirectory directory;
    private final AgentRegistry registry;
    private final Executor blocking;
    private boolean lineSeen;
    private ScheduledFuture<?> timeout;

    AgentAuthHandler(TunnelDirectory directory, AgentRegistry registry, Executor blocking) {
        this.directory = directory;
        this.registry = registry;
        this.blocking = blocking;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> {
            log.debug("agent at {} sent no preface in time", ctx.channel().remoteAddress());
            ctx.close();
        }, PREFACE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (lineSeen) {
            return; // the agent must wait for our answer; anything else just waits in the cumulation
        }
        Optional<String> line = LineDecoder.readLine(in, Preface.MAX_LINE);
        if (line.isEmpty()) {
            return;
        }
        lineSeen = true;
        ctx.channel().config().setAutoRead(false);
        Optional<Preface.Hello> hello = Preface.parseHello(line.get());
        if (hello.isEmpty()) {
            refuse(ctx, new Preface.Refused("protocol_error", "expected: " + Preface.VERSION + " <tunnel_name> <connect_secret>"));
            return;
        }
        CompletableFuture.supplyAsync(() -> admit(hello.get()), blocking).whenComplete((result, error) ->
                ctx.executor().execute(() -> {
                    if (error != null) {
                        log.warn("could not check agent for tunnel {}: {}", hello.get().tunnelName(), error.toString());
                        refuse(ctx, new Preface.Refused("unavailable", "the edge could not check the tunnel; retry later"));
                    } else if (result instanceof Admitted admitted) {
                        accept(ctx, admitted.route(), hello.get().agentId());
                    } else {
                        refuse(ctx, ((Refusal) result).refused());
                    }
                }));
    }

    private sealed interface Decision permits Admitted, Refusal {
    }

    private record Admitted(TunnelRoute route) implements Decision {
    }

    private record Refusal(Preface.Refused refused) implements Decision {
    }

    private Decision admit(Preface.Hello hello) {
        Optional<TunnelRoute> route = directory.readThrough(hello.tunnelName());
        // Unknown name and wrong secret look the same, so the answer does not reveal which names exist.
        if (route.isEmpty() || !SecretHashes.matches(hello.connectSecret(), route.get().secretHash())) {
            return new Refusal(new Preface.Refused("invalid_credentials", "unknown tunnel or wrong connect secret"));
        }
        if (!route.get().routable()) {
            return new Refusal(new Preface.Refused("tunnel_not_active", "tunnel " + hello.tunnelName() + " is not active"));
        }
        return new Admitted(route.get());
    }

    private void accept(ChannelHandlerContext ctx, TunnelRoute route, Optional<String> agentId) {
        if (!ctx.channel().isActive()) {
            return;
        }
        cancelTimeout();
        String connectionId = UUID.randomUUID().toString();
        String clientIp = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "unknown";
        // an agent that names no process stands alone: each of its links counts as its own agent
        AgentSession session = new AgentSession(connectionId, agentId.orElse(connectionId), route, ctx.channel(), clientIp, Instant.now());
        ctx.writeAndFlush(Unpooled.copiedBuffer(new Preface.Accepted(connectionId).encode(), StandardCharsets.US_ASCII));
        session.streams(EdgeHttp2.install(ctx.pipeline(), ctx.name(), session::drain));
        registry.register(session);
        log.info("agent connected: {}", session);
        ctx.pipeline().remove(this);
        ctx.channel().config().setAutoRead(true);
    }

    private void refuse(ChannelHandlerContext ctx, Preface.Refused refused) {
        cancelTimeout();
        log.info("agent at {} refused: {}", ctx.channel().remoteAddress(), refused.code());
        ctx.writeAndFlush(Unpooled.copiedBuffer(refused.encode(), StandardCharsets.US_ASCII))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("agent connection {} failed during the preface: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
