package dev.adit.bench;

import dev.adit.pki.Pem;
import dev.adit.protocol.KeepAlive;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many idle agent connections from one JVM, for the heap-per-idle-tunnel measurement. Each
 * connection speaks the agent protocol exactly like {@code dev.adit.agent.Agent} (TLS with the
 * edge's CA and host name check, {@code ADIT/1} preface, then an HTTP/2 server codec with the same
 * settings and the keep-alive handler) but all share one event loop group and one TLS context,
 * so 10,000 of them fit in one process; the real Agent owns a 2-thread event loop per instance.
 * Each tunnel gets {@code --links-per-tunnel} connections sharing one agent id, as `adit PORT` opens
 * them (default {@link dev.adit.agent.AgentConfig#CLI_CONNECTIONS}).
 * No reconnects: a refused or lost connection is just counted.
 *
 * <pre>
 * IdleAgents --edge-port P --ca FILE --tunnels N [--prefix idle] [--links-per-tunnel K] [--concurrency 64]
 *            [--connect-seconds 600] [--hold-seconds 900]
 * </pre>
 */
public final class IdleAgents {
    public static void main(String[] args) throws Exception {
        Map<String, String> o = BenchStack.options(prepend(args));
        int port = Integer.parseInt(o.get("edge-port"));
        int n = BenchStack.intOpt(o, "tunnels", 10_000);
        String prefix = o.getOrDefault("prefix", "idle");
        int concurrency = BenchStack.intOpt(o, "concurrency", 64);
        int links = BenchStack.intOpt(o, "links-per-tunnel", dev.adit.agent.AgentConfig.CLI_CONNECTIONS);
        long connectSeconds = BenchStack.intOpt(o, "connect-seconds", 600);
        long holdSeconds = BenchStack.intOpt(o, "hold-seconds", 900);
        List<X509Certificate> anchors = Pem.certificates(Path.of(o.get("ca")));
        SslContext tls = SslContextBuilder.forClient().trustManager(anchors.toArray(X509Certificate[]::new))
                .endpointIdentificationAlgorithm("HTTPS").protocols("TLSv1.3", "TLSv1.2").build();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger lost = new AtomicInteger();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long connectDeadline = start + TimeUnit.SECONDS.toNanos(connectSeconds);
        int launched = 0;
        for (int c = 0; c < n * links && System.nanoTime() < connectDeadline; c++) {
            int i = c / links;
            if (!inFlight.tryAcquire(Math.max(1, connectDeadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            launched++;
            String hello = "ADIT/1 " + prefix + "-" + i + " " + BenchStack.SECRET_PREFIX + i + " ag_idle_" + i + "\n";
            AtomicInteger settled = new AtomicInteger();
            Runnable release = () -> {
                if (settled.compareAndSet(0, 1)) {
                    inFlight.release();
                }
            };
            ChannelFuture f = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), "localhost", port));
                            ch.pipeline().addLast("preface", new Handshake(hello, accepted -> {
                                if (accepted) {
                                    ok.incrementAndGet();
                                } else {
                                    failed.incrementAndGet();
                                }
                                release.run();
                            }, errors));
                        }
                    })
                    .connect("127.0.0.1", port);
            f.addListener(x -> {
                if (!x.isSuccess()) {
                    failed.incrementAndGet();
                    if (errors.size() < 5) {
                        errors.add(x.cause().toString());
                    }
                    release.run();
                }
            });
            Channel ch = f.channel();
            ch.closeFuture().addListener(x -> {
                if (settled.get() == 1 && ch.attr(Handshake.UP).get() != null) {
                    lost.incrementAndGet();
                }
                if (settled.get() == 0) {
                    failed.incrementAndGet();
                }
                release.run();
            });
            if (launched % 1000 == 0) {
                System.out.printf(Locale.ROOT, "BENCH launched=%d connected=%d failed=%d after %.1f s%n",
                        launched, ok.get(), failed.get(), (System.nanoTime() - start) / 1e9);
            }
        }
        // Wait for the last handshakes (bounded).
        inFlight.tryAcquire(concurrency, Math.max(1, Math.min(TimeUnit.SECONDS.toNanos(30),
                connectDeadline - System.nanoTime() + TimeUnit.SECONDS.toNanos(15))), TimeUnit.NANOSECONDS);
        System.out.printf(Locale.ROOT, "BENCH_AGENTS_CONNECTED connected=%d failed=%d lost=%d launched=%d seconds=%.1f%n",
                ok.get() - lost.get(), failed.get(), lost.get(), launched, (System.nanoTime() - start) / 1e9);
        errors.forEach(e -> System.out.println("BENCH error sample: " + e));
        long holdDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(holdSeconds);
        while (System.nanoTime() < holdDeadline) {
            Thread.sleep(5000);
            System.out.printf(Locale.ROOT, "BENCH alive=%d lost=%d%n", ok.get() - lost.get(), lost.get());
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        System.exit(0);
    }

    private static String[] prepend(String[] args) {
        String[] a = new String[args.length + 1];
        a[0] = "idle-agents";
        System.arraycopy(args, 0, a, 1, args.length);
        return a;
    }

    /** Sends the preface line, reads the answer line, then becomes an idle HTTP/2 server. */
    static final class Handshake extends ByteToMessageDecoder {
        static final io.netty.util.AttributeKey<Boolean> UP = io.netty.util.AttributeKey.valueOf("bench.up");
        private final String hello;
        private final java.util.function.Consumer<Boolean> done;
        private final ConcurrentLinkedQueue<String> errors;

        Handshake(String hello, java.util.function.Consumer<Boolean> done, ConcurrentLinkedQueue<String> errors) {
            this.hello = hello;
            this.done = done;
            this.errors = errors;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent hs) {
                if (hs.isSuccess()) {
                    ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(hello.getBytes(StandardCharsets.US_ASCII)));
                } else {
                    if (errors.size() < 5) {
                        errors.add("tls: " + hs.cause());
                    }
                    ctx.close();
                }
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (eol < 0) {
                if (in.readableBytes() > 1024) {
                    ctx.close();
                }
                return;
            }
            String line = in.readCharSequence(eol - in.readerIndex(), StandardCharsets.US_ASCII).toString();
            in.skipBytes(1);
            if (line.startsWith("OK ")) {
                ctx.channel().attr(UP).set(Boolean.TRUE);
                var p = ctx.pipeline();
                KeepAlive.install(p, "preface");
                p.addAfter("keepalive", "h2", Http2FrameCodecBuilder.forServer()
                        .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(1000).initialWindowSize(256 * 1024))
                        .gracefulShutdownTimeoutMillis(0).build());
                p.addAfter("h2", "h2-mux", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext c) {
                                c.close(); // idle agents serve nothing
                            }
                        });
                    }
                }));
                ctx.channel().writeAndFlush(new DefaultHttp2WindowUpdateFrame(16 * 1024 * 1024 - 65_535));
                done.accept(true);
                p.remove(this); // remaining bytes (the edge's HTTP/2 preface) go to the codec
            } else {
                if (errors.size() < 5) {
                    errors.add("refused: " + line);
                }
                done.accept(false);
                ctx.close();
            }
        }
    }
}
