package dev.adit.agent;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent's pool of connections to the local service, against a real listening socket. */
class LocalConnectionsTest {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, dev.adit.io.Transport.ioHandlerFactory());
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private ServerSocket server;
    private LocalConnections locals;
    private EventLoop loop;

    @BeforeEach
    void listen() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    accepted.add(server.accept());
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        locals = new LocalConnections("127.0.0.1", server.getLocalPort());
        loop = group.next();
    }

    @AfterEach
    void close() throws IOException {
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** The pool belongs to its event loop: every call is made there, as the agent does. */
    private Channel acquire() throws Exception {
        Future<Channel> acquiring = loop.submit(() -> locals.acquire(loop, new ChannelInboundHandlerAdapter())).get(5, TimeUnit.SECONDS);
        return acquiring.get(5, TimeUnit.SECONDS);
    }

    private void release(Channel ch) throws Exception {
        loop.submit(() -> locals.release(ch)).get(5, TimeUnit.SECONDS);
    }

    private void awaitAccepted(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (accepted.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(count, accepted.size());
    }

    @Test
    void aReleasedConnectionIsReusedForTheNextRequest() throws Exception {
        Channel first = acquire();
        release(first);
        assertSame(first, acquire());
        awaitAccepted(1);
    }

    @Test
    void aConnectionIdlePastTheLimitIsClosedAndNotReused() throws Exception {
        Channel first = acquire();
        release(first);
        assertTrue(first.closeFuture().await(LocalConnections.IDLE_MILLIS * 3, TimeUnit.MILLISECONDS),
                "the sweep closes a connection idle for longer than IDLE_MILLIS");
        Channel second = acquire();
        assertNotSame(first, second);
        assertTrue(second.isActive());
        awaitAccepted(2);
    }

    @Test
    void aConnectionTheServerClosesWhileIdleLeavesThePool() throws Exception {
        Channel first = acquire();
        release(first);
        awaitAccepted(1);
        accepted.getFirst().close();
        assertTrue(first.closeFuture().await(5, TimeUnit.SECONDS), "the idle connection notices the server's close");
        Channel second = acquire();
        assertNotSame(first, second);
        assertTrue(second.isActive());
    }
}
