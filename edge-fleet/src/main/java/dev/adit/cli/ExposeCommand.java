package dev.adit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.adit.agent.Agent;
import dev.adit.agent.AgentConfig;
import dev.adit.agent.AgentState;
import dev.adit.agent.CompletedRequest;
import dev.adit.pki.Pem;
import dev.adit.edge.tls.TlsIdentity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** {@code adit PORT [--subdomain NAME]}: expose a local port through a tunnel until Ctrl-C. */
@Command(name = "adit", mixinStandardHelpOptions = true,
        description = "Expose a local port: adit 3000 --subdomain demo makes demo.<domain> reach localhost:3000.")
public final class ExposeCommand implements Callable<Integer> {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    /** How long the console waits for the first link before it prints the address anyway. */
    private static final Duration FIRST_CONNECT_WAIT = Duration.ofSeconds(5);

    @Mixin
    ApiOptions options;

    @Parameters(paramLabel = "PORT", description = "The local port to expose.")
    int port;

    @Option(names = {"-s", "--subdomain"}, description = "Tunnel name (the subdomain); a random one if omitted.")
    String subdomain;

    @Option(names = "--local-host", defaultValue = "127.0.0.1", description = "Host of the local service (default: ${DEFAULT-VALUE}).")
    String localHost;

    @Option(names = "--tls", defaultValue = "edge", description = "edge (TLS ends at the edge) or passthrough (TLS ends here, "
            + "with a key made on this machine and a certificate from Adit's CA; default: ${DEFAULT-VALUE}).")
    String tlsMode;

    @Option(names = "--connections", defaultValue = "" + AgentConfig.CLI_CONNECTIONS, description = "Connections to the edge for this tunnel, 1 to "
            + AgentConfig.MAX_CONNECTIONS + " (default: ${DEFAULT-VALUE}): the tunnel stays up while one reconnects, and a busy "
            + "tunnel uses more than one core at each end.")
    int connections;

    @Option(names = "--upstream-tls", description = "With --tls passthrough: pass the TLS bytes untouched to a TLS server on PORT "
            + "(give it the key and certificate this command prints).")
    boolean upstreamTls;

    private final PrintStream out;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final java.util.concurrent.ScheduledExecutorService renewals = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("adit-cert-renewal").factory());
    private volatile Agent agent;
    /** What the running agent was built from; a regenerated secret or a renewed certificate replaces it. */
    private volatile AgentConfig agentConfig;
    private volatile ControlApi api;
    private volatile Prepared tunnel;
    /** Whether the edge admitted this run's agent at least once. */
    private volatile boolean everConnected;
    private volatile boolean stopping;
    /** Set once "Disconnected." is printed: Ctrl-C after a stop of our own must not say it again. */
    private final java.util.concurrent.atomic.AtomicBoolean disconnected = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile int exitCode;
    /** Set while a refused connect secret is being dealt with, so the agent's retries do not pile up. */
    private final java.util.concurrent.atomic.AtomicBoolean secretRefusal = new java.util.concurrent.atomic.AtomicBoolean();

    public ExposeCommand() {
        this(System.out);
    }

    public ExposeCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (port < 1 || port > 65535) {
            throw new CliException("PORT must be between 1 and 65535");
        }
        if (!tlsMode.equals("edge") && !tlsMode.equals("passthrough")) {
            throw new CliException("--tls must be edge or passthrough");
        }
        if (upstreamTls && !tlsMode.equals("passthrough")) {
            throw new CliException("--upstream-tls goes with --tls passthrough");
        }
        if (connections < 1 || connections > AgentConfig.MAX_CONNECTIONS) {
            throw new CliException("--connections must be between 1 and " + AgentConfig.MAX_CONNECTIONS);
        }
        if (subdomain != null && subdomain.isBlank()) {
            throw new CliException("--subdomain is empty: give a tunnel name, or leave it out for a random one");
        }
        ControlApi api = options.authenticatedApi();
        this.api = api;
        JsonNode edge = api.get("/v1/edge");
        String name = subdomain != null ? subdomain : TunnelNameGenerator.next();
        Prepared tunnel = prepare(api, name);
        this.tunnel = tunnel;
        if (!localPortOpen()) {
            out.println("Warning: nothing listens on " + localHost + ":" + port + " yet; visitors get a 502 until it does.");
        }
        AgentConfig config = new AgentConfig(edge.path("agent_host").asText(), edge.path("agent_port").asInt(), name,
                tunnel.secret(), trustAnchors(edge), localHost, port, this::print, Duration.ofMillis(250), Duration.ofSeconds(30))
                .withConnections(connections);
        Runnable renewing = () -> { };
        if (tlsMode.equals("passthrough")) {
            TunnelCertificate certificate = new TunnelCertificate(options.configDirectory(), options.apiUrl().getHost()
                    + "-" + options.apiUrl().getPort(), name, edge.path("domain").asText());
            TlsIdentity identity = certificate.current(tunnel.certOnFile()).orElseGet(() -> certificate.obtain(api, tunnel.id()));
            out.println("TLS ends " + (upstreamTls ? "at your server on port " + port : "here") + ": key " + certificate.keyFile()
                    + ", certificate " + certificate.certificateFile() + " (renewed after " + TunnelCertificate.renewAt(identity.chain().getFirst()) + ")");
            config = upstreamTls ? config.withUpstreamTls(true) : config.withTunnelTls(identity);
            renewing = () -> scheduleRenewal(api, tunnel.id(), certificate, identity);
        }
        agentConfig = config;
        agent = newAgent(config);
        Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "adit-agent-shutdown"));
        agent.start();
        // The address is printed once it answers (or after a short wait, when the edge is slow or
        // refuses): a curl sent on seeing it, by hand or by a script, gets the local service, not
        // "tunnel demo is offline" from the moment before the first link was up.
        agent.awaitConnected(FIRST_CONNECT_WAIT);
        out.println("Forwarding  " + tunnel.url() + "  ->  http://" + localHost + ":" + port);
        httpsUrl(edge, name).filter(https -> !https.equals(tunnel.url()))
                .ifPresent(https -> out.println("Forwarding  " + https + "  ->  http://" + localHost + ":" + port));
        out.println("Press Ctrl-C to stop.");
        renewing.run(); // after the start: a renewal swaps the running agent for a new one
        stop.await();
        return exitCode;
    }

    /** Stops the agent and lets {@link #call()} return; used by Ctrl-C and by tests. */
    public void shutdown() {
        stopping = true;
        renewals.shutdownNow();
        Agent running = agent;
        if (running != null) {
            running.shutdown(Duration.ofSeconds(2));
            if (disconnected.compareAndSet(false, true)) {
                out.println("Disconnected.");
            }
        }
        stop.countDown();
    }

    /**
     * The tunnel to serve; {@code certOnFile}: the fingerprint of the certificate an active passthrough tunnel has on file;
     * {@code saved}: the secret comes from the config file (it may have been regenerated since), not from the API just now.
     */
    /** The edge-mode tunnel's HTTPS address, when the API says where it is (older APIs do not). */
    private java.util.Optional<String> httpsUrl(JsonNode edge, String name) {
        String template = edge.path("https_url_template").asText("");
        if (!tlsMode.equals("edge") || !template.contains("{name}")) {
            return java.util.Optional.empty(); // a passthrough tunnel's url is already its https address
        }
        return java.util.Optional.of(template.replace("{name}", name));
    }

    private record Prepared(String id, String secret, String url, Optional<String> certOnFile, boolean saved) {
    }

    /** Renews two thirds into the certificate's life and reconnects the agent with the new one. */
    private void scheduleRenewal(ControlApi api, String tunnelId, TunnelCertificate certificate, TlsIdentity identity) {
        long delay = Math.max(0, Duration.between(java.time.Instant.now(), TunnelCertificate.renewAt(identity.chain().getFirst())).toMillis());
        renewals.schedule(() -> {
            try {
                TlsIdentity renewed = certificate.obtain(api, tunnelId);
                AgentConfig next = upstreamTls ? agentConfig : agentConfig.withTunnelTls(renewed);
                replaceAgent(next, Duration.ofSeconds(5));
                out.println("Certificate renewed; valid until " + renewed.chain().getFirst().getNotAfter().toInstant());
                scheduleRenewal(api, tunnelId, certificate, renewed);
            } catch (RuntimeException e) {
                out.println("Certificate renewal failed (" + e.getMessage() + "); retrying in an hour.");
                renewals.schedule(() -> scheduleRenewal(api, tunnelId, certificate, identity), 1, java.util.concurrent.TimeUnit.HOURS);
            }
        }, delay, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * An agent whose state changes reach the console only while it is the current one; each change
     * comes with the state this agent left (a replaced agent's states say nothing about this one).
     */
    private Agent newAgent(AgentConfig config) {
        Agent created = new Agent(config);
        java.util.concurrent.atomic.AtomicReference<AgentState> previous = new java.util.concurrent.atomic.AtomicReference<>();
        created.onStateChange(state -> {
            AgentState before = previous.getAndSet(state);
            if (created == agent) {
                onState(before, state);
            }
        });
        return created;
    }

    /** Starts an agent built from {@code next}, then lets the previous one finish what it has in flight. */
    private synchronized void replaceAgent(AgentConfig next, Duration grace) {
        Agent previous = agent;
        agentConfig = next;
        Agent replacement = newAgent(next);
        agent = replacement;
        replacement.start();
        if (stopping) {
            replacement.close(); // shutdown() ran meanwhile and may have seen the previous agent only
        }
        if (previous != null) {
            previous.shutdown(grace);
        }
    }

    /** Reuses the organization's tunnel of that name, or creates it; the secret comes from our config or a fresh one. */
    private Prepared prepare(ControlApi api, String name) {
        CliConfig config = options.config();
        String apiUrl = options.apiUrl().toString();
        Optional<JsonNode> existing = api.tunnelNamed(name);
        if (existing.isPresent()) {
            JsonNode t = existing.get();
            if (!tlsMode.equals(t.path("tls_mode").asText())) {
                throw new CliException("tunnel " + name + " is a " + t.path("tls_mode").asText() + " tunnel; run with --tls "
                        + t.path("tls_mode").asText() + " or pick another --subdomain");
            }
            if (t.path("status").asText().equals("delete_pending")) {
                throw new CliException("tunnel " + name + " is deleted; restore it with `adit tunnels restore " + name + "` or pick another --subdomain");
            }
            Optional<String> stored = config.connectSecret(apiUrl, name);
            if (stored.isPresent()) {
                return new Prepared(t.get("id").asText(), stored.get(), t.path("url").asText(), TunnelCertificate.fingerprintOnFile(t), true);
            }
            // the secret was shown once, to someone else or a lost config: issue a new one
            JsonNode regenerated = api.post("/v1/tunnels/" + t.get("id").asText() + "/regenerate-token", null);
            return remember(config, apiUrl, name, regenerated);
        }
        try {
            JsonNode created = api.send("POST", "/v1/tunnels", ControlApi.body("tunnel_name", name, "tls_mode", tlsMode));
            return remember(config, apiUrl, name, created);
        } catch (ControlApi.ApiError e) {
            if (e.status() == 409) {
                throw new CliException("the name " + name + " is taken; choose another with --subdomain");
            }
            if (e.status() == 422) {
                throw new CliException("cannot use " + name + " as a tunnel name: " + e.getMessage());
            }
            throw e;
        }
    }

    private static Prepared remember(CliConfig config, String apiUrl, String name, JsonNode tunnel) {
        String secret = tunnel.get("connect_secret").asText();
        config.connectSecret(apiUrl, name, secret);
        config.save();
        return new Prepared(tunnel.get("id").asText(), secret, tunnel.path("url").asText(), TunnelCertificate.fingerprintOnFile(tunnel), false);
    }

    private void onState(AgentState before, AgentState state) {
        switch (state) {
            case AgentState.Connected c -> {
                everConnected = true;
                out.println("Connected to the edge (" + c.connectionId() + ").");
            }
            case AgentState.Refused r when r.code().equals(INVALID_CREDENTIALS) -> {
                // on a network thread: the API call and the agent swap happen elsewhere
                if (!stopping && secretRefusal.compareAndSet(false, true)) {
                    Thread.ofVirtual().name("adit-secret-refused").start(this::secretRefused);
                }
            }
            case AgentState.Refused r -> out.println("The edge refused the agent: " + r.message() + " (" + r.code() + "); retrying.");
            case AgentState.Connecting c when before instanceof AgentState.Connected ->
                    out.println("Connection to the edge lost; reconnecting.");
            case AgentState.Connecting c when c.attempt() > 1 -> out.println("Reconnecting (attempt " + c.attempt() + ")...");
            default -> { }
        }
    }

    private static final String INVALID_CREDENTIALS = "invalid_credentials";

    /**
     * The edge refused the connect secret. A secret saved by an earlier run that has never worked in
     * this one was regenerated since (another machine, the API): get a new one, once, and go on.
     * A secret that worked and is now refused was regenerated to cut this agent off: retrying it can
     * never succeed, so stop and say so instead of retrying for ever.
     */
    private void secretRefused() {
        Prepared current = tunnel;
        if (stopping) {
            return;
        }
        if (!everConnected && current.saved()) {
            out.println("The connect secret saved for tunnel " + agentConfig.tunnelName() + " is no longer valid (it was "
                    + "regenerated since it was saved); getting a new one.");
            try {
                JsonNode regenerated = api.post("/v1/tunnels/" + current.id() + "/regenerate-token", null);
                Prepared fresh = remember(options.config(), options.apiUrl().toString(), agentConfig.tunnelName(), regenerated);
                tunnel = fresh;
                if (stopping) {
                    return;
                }
                replaceAgent(agentConfig.withConnectSecret(fresh.secret()), Duration.ZERO);
                secretRefusal.set(false);
                return;
            } catch (CliException e) {
                out.println("adit: cannot get a new connect secret: " + e.getMessage());
                stopWith(1);
                return;
            }
        }
        out.println("The edge no longer accepts this agent's connect secret: tunnel " + agentConfig.tunnelName()
                + (everConnected ? " had its connect secret regenerated, which disconnects the agents using the old one"
                + " (or the tunnel was deleted for good)"
                : " does not accept the secret just issued (regenerated again meanwhile, or deleted for good?)")
                + ". Stopping; run `adit " + port + " --subdomain " + agentConfig.tunnelName() + "` again to connect with a new secret.");
        stopWith(1);
    }

    private void stopWith(int code) {
        exitCode = code;
        shutdown();
    }

    /** One console line per request; a visitor who left before the answer shows as 499, as the agent reports it. */
    private void print(CompletedRequest r) {
        out.printf("%s  %-7s %-40s %d  %d ms%s%n", LocalTime.now().format(CLOCK), r.method(), r.path(), r.status(), r.duration().toMillis(),
                r.problem().map(p -> "  (" + p + ")").orElse(""));
    }

    private boolean localPortOpen() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(localHost, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The CA the API names, or the JVM's own trust store when the edges carry a publicly trusted certificate. */
    static List<X509Certificate> trustAnchors(JsonNode edge) throws Exception {
        if (edge.path("ca_pem").isTextual()) {
            return Pem.certificates(edge.get("ca_pem").asText());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        List<X509Certificate> anchors = new ArrayList<>();
        for (var manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                anchors.addAll(List.of(x509.getAcceptedIssuers()));
            }
        }
        return anchors;
    }

    static String randomSuffix() {
        return UUID.randomUUID().toString().substring(0, 4);
    }
}
