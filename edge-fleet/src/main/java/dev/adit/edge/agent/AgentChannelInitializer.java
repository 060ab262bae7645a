package dev.adit.edge.agent;

import dev.adit.edge.routing.TunnelDirectory;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;

import java.util.concurrent.Executor;

/** Agent listener pipeline: TLS, then the preface check, which installs HTTP/2 once the agent is admitted. */
public final class AgentChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final SslContext tls;
    private final TunnelDirectory directory;
    private final AgentRegistry registry;
    private final Executor blocking;

    public AgentChannelInitializer(SslContext tls, TunnelDirectory directory, AgentRegistry registry, Executor blocking) {
        this.tls = tls;
        this.directory = directory;
        this.registry = registry;
        this.blocking = blocking;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
        ch.pipeline().addLast("auth", new AgentAuthHandler(directory, registry, blocking));
    }
}
