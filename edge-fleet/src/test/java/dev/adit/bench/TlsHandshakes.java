package dev.adit.bench;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounded TLS handshake loop (test scope, run by {@code bench/run.sh}; not a JUnit test). OpenSSL 3.0's
 * {@code s_time} cannot send SNI, and the edge's public TLS listener routes on SNI, so this is the
 * handshake client for both the edge and the direct (nginx) target: same client, same SNI, same CA.
 *
 * <pre>
 * --port P --sni NAME.localhost --ca FILE [--host 127.0.0.1] [--seconds 10] [--max 200000]
 * [--threads 2] [--warmup-seconds 3] [--mode new|resume] [--cpu-pids PID,PID,..]
 * </pre>
 *
 * {@code new}: every connection gets a fresh client SSLContext, so nothing can be resumed (a full
 * handshake: key exchange + certificate chain verification on the client, ECDHE + ECDSA signature on
 * the server), then the socket is closed without application data. Protocol: whatever both sides
 * prefer (TLS 1.3 here). {@code resume}: one shared SSLContext, TLS 1.2 (the session is resumable
 * inside the handshake itself; a TLS 1.3 ticket would need an application-data read after the
 * handshake); each connection whose session id this client has seen before counts as resumed, and the
 * count is reported so a server that refuses resumption shows up as such.
 * With --cpu-pids, the CPU time of those processes over the measured window (not the warm-up) is reported
 * per handshake. Output: {@code BENCH_TLS mode=.. handshakes=N seconds=S rate=R resumed=K failures=F protocol=.. suite=..}.
 */
public final class TlsHandshakes {
    public static void main(String[] args) throws Exception {
        Map<String, String> o = BenchStack.options(prepend(args));
        String host = o.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(o.get("port"));
        String sni = o.get("sni");
        String mode = o.getOrDefault("mode", "new");
        int seconds = BenchStack.intOpt(o, "seconds", 10);
        int warmup = BenchStack.intOpt(o, "warmup-seconds", 3);
        long max = BenchStack.intOpt(o, "max", 200_000);
        int threads = BenchStack.intOpt(o, "threads", 2);
        TrustManager[] trust = trust(Path.of(o.get("ca")));
        boolean resume = mode.equals("resume");
        SSLContext shared = context(trust);

        if (warmup > 0) {
            run(host, port, sni, resume, shared, trust, threads, warmup, max, new AtomicLong(), new AtomicLong(), new AtomicLong(), new String[2]);
        }
        List<Long> pids = new ArrayList<>();
        for (String p : o.getOrDefault("cpu-pids", "").split(",")) {
            if (!p.isBlank()) {
                pids.add(Long.parseLong(p.trim()));
            }
        }
        long cpu0 = cpuTicks(pids);
        AtomicLong done = new AtomicLong();
        AtomicLong resumed = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        String[] negotiated = new String[2];
        long t0 = System.nanoTime();
        run(host, port, sni, resume, shared, trust, threads, seconds, max, done, resumed, failures, negotiated);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long cpuTicks = cpuTicks(pids) - cpu0;
        double serverMsPerHs = done.get() == 0 ? 0 : cpuTicks * 10.0 / done.get();   // USER_HZ = 100
        System.out.printf(Locale.ROOT, "BENCH_TLS mode=%s handshakes=%d seconds=%.2f rate=%.0f resumed=%d failures=%d protocol=%s suite=%s server_cpu_s=%.2f server_cpu_ms_per_hs=%.3f%n",
                mode, done.get(), elapsed, done.get() / elapsed, resumed.get(), failures.get(), negotiated[0], negotiated[1],
                cpuTicks / 100.0, serverMsPerHs);
        System.exit(0);
    }

    static String[] prepend(String[] args) {
        String[] a = new String[args.length + 1];
        a[0] = "handshakes";
        System.arraycopy(args, 0, a, 1, args.length);
        return a;
    }

    static void run(String host, int port, String sni, boolean resume, SSLContext shared, TrustManager[] trust,
                    int threads, int seconds, long max, AtomicLong done, AtomicLong resumed, AtomicLong failures,
                    String[] negotiated) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            workers.add(Thread.ofPlatform().name("hs-" + i).start(() -> {
                while (System.nanoTime() < deadline && done.get() + failures.get() < max) {
                    try {
                        SSLContext ctx = resume ? shared : context(trust);
                        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
                            s.setTcpNoDelay(true);
                            s.setSoTimeout(5000);
                            s.connect(new InetSocketAddress(host, port), 5000);
                            SSLParameters p = s.getSSLParameters();
                            p.setServerNames(List.of(new SNIHostName(sni)));
                            p.setEndpointIdentificationAlgorithm("HTTPS");
                            if (resume) {
                                p.setProtocols(new String[] {"TLSv1.2"});
                            }
                            s.setSSLParameters(p);
                            s.startHandshake();
                            SSLSession session = s.getSession();
                            if (resume) {
                                // resumed = a session id this client has seen before (a failed
                                // connection may evict a session, after which a new one is cached)
                                if (!seen.add(HexFormat.of().formatHex(session.getId()))) {
                                    resumed.incrementAndGet();
                                }
                            }
                            negotiated[0] = session.getProtocol();
                            negotiated[1] = session.getCipherSuite();
                        }
                        done.incrementAndGet();
                    } catch (Exception e) {
                        if (failures.incrementAndGet() <= 3) {
                            System.out.println("BENCH handshake failed: " + e);
                        }
                    }
                }
            }));
        }
        for (Thread t : workers) {
            t.join();
        }
    }

    /** utime + stime (clock ticks) of the given processes, all their threads; 0 for a pid that is gone. */
    static long cpuTicks(List<Long> pids) {
        long total = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                total += Long.parseLong(f[11]) + Long.parseLong(f[12]);   // fields 14 and 15
            } catch (Exception e) {
                // process gone
            }
        }
        return total;
    }

    static SSLContext context(TrustManager[] trust) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, trust, null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static TrustManager[] trust(Path caPem) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            int i = 0;
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, (X509Certificate) c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf.getTrustManagers();
    }
}
