package dev.adit.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.adit.cli.CliConfig;
import dev.adit.cli.ControlApi;
import dev.adit.cli.ExposeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code adit demo}: the whole product in one command. Starts the local stack, signs in a local
 * user, and exposes a port (a small built-in site unless {@code --port} names yours) at
 * http://demo.localhost:8081.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start the local stack, sign in a local user and expose a port at http://demo.localhost:8081.")
final class DemoCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    StackOptions stack;

    @Option(names = "--port", description = "Expose this local port instead of the built-in demo site.")
    Integer port;

    @Option(names = {"-s", "--subdomain"}, defaultValue = "demo", description = "Tunnel name (default: ${DEFAULT-VALUE}).")
    String subdomain;

    @Override
    public Integer call() throws Exception {
        var started = LocalStack.startOrExplain(stack.settings(), "demo");
        if (started.isEmpty()) {
            return 1;
        }
        LocalStack running = started.get();
        DemoApp app = port == null ? DemoApp.start() : null;
        int target = port != null ? port : app.port();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (app != null) {
                app.close();
            }
            running.close();
        }, "adit-demo-shutdown"));
        System.out.println(running.describe());
        String email = signIn(running);
        Path cliConfig = cliConfigDirectory(running);
        System.out.println("Signed in as " + email + (cliConfig.equals(CliConfig.defaultDirectory())
                ? " (key saved for the adit CLI)."
                : " (key saved in " + cliConfig + "; use --api-url " + running.apiUrl() + " --config-dir " + cliConfig + ")."));
        System.out.println("Try:  curl http://" + subdomain + ".localhost:" + running.edge().publicPort() + "/");
        System.out.println();
        return new CommandLine(new ExposeCommand()).execute("--api-url", running.apiUrl(), "--config-dir",
                cliConfigDirectory(running).toString(), "--subdomain", subdomain, Integer.toString(target));
    }

    /**
     * The CLI's usual config when the demo's API is where the CLI looks by default, so `adit tunnels
     * list` works next to it; otherwise one in the demo's data directory, so a demo on other ports
     * never replaces the key the CLI uses for the default server.
     */
    private static Path cliConfigDirectory(LocalStack running) {
        return running.apiUrl().equals(dev.adit.cli.ApiOptions.DEFAULT_API_URL)
                ? CliConfig.defaultDirectory()
                : running.stateDir().resolve("cli");
    }

    /** Logs the local demo user in, creating it on first use; its password stays in the data directory. */
    private static String signIn(LocalStack running) throws IOException {
        Path file = running.stateDir().resolve("demo-account.json");
        ControlApi anonymous = new ControlApi(URI.create(running.apiUrl()), Optional.empty());
        JsonNode credentials;
        if (Files.isReadable(file)) {
            JsonNode account = JSON.readTree(file.toFile());
            credentials = anonymous.post("/v1/auth/login", ControlApi.body(
                    "email", account.get("email").asText(), "password", account.get("password").asText()));
        } else {
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            String email = "demo-" + Long.toHexString(System.nanoTime()) + "@adit.localhost";
            credentials = anonymous.post("/v1/auth/signup", ControlApi.body("email", email, "password", password, "name", "Demo"));
            ObjectNode account = JSON.createObjectNode().put("email", email).put("password", password);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, account.toString());
        }
        CliConfig config = CliConfig.load(cliConfigDirectory(running));
        config.apiKeyOnly(credentials.get("api_key").asText());
        config.save();
        return credentials.path("user").path("email").asText();
    }
}
