package dev.adit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code adit auth login | set-key | status | test}. */
@Command(name = "auth", mixinStandardHelpOptions = true, description = "Log in and manage the API key the CLI uses.",
        subcommands = {AuthCommand.Login.class, AuthCommand.SetKey.class, AuthCommand.Status.class, AuthCommand.Test.class})
public final class AuthCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("Usage: adit auth (login -e EMAIL | set-key it_... | status | test [--scope SCOPE])");
    }

    @Command(name = "login", mixinStandardHelpOptions = true, description = "Log in with email and password; stores a new API key.")
    static final class Login implements Runnable {
        @Mixin
        ApiOptions options;

        @Option(names = {"-e", "--email"}, required = true, description = "Your account's email address.")
        String email;

        @Option(names = "--password-stdin", description = "Read the password from standard input (for scripts).")
        boolean passwordStdin;

        @Override
        public void run() {
            String password = readPassword();
            JsonNode answer = options.api().post("/v1/auth/login", ControlApi.body("email", email, "password", password));
            CliConfig config = options.config();
            config.apiKey(answer.get("api_key").asText());
            config.save();
            System.out.println("Logged in as " + answer.path("user").path("email").asText() + ".");
            System.out.println("API key " + mask(answer.get("api_key").asText()) + " saved to " + config.file());
        }

        private String readPassword() {
            Console console = System.console();
            if (!passwordStdin && console != null) {
                char[] typed = console.readPassword("Password: ");
                if (typed == null || typed.length == 0) {
                    throw new CliException("no password given");
                }
                return new String(typed);
            }
            try {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (line == null || line.isEmpty()) {
                    throw new CliException("no password on standard input");
                }
                return line;
            } catch (IOException e) {
                throw new CliException("cannot read the password: " + e.getMessage());
            }
        }
    }

    @Command(name = "set-key", mixinStandardHelpOptions = true, description = "Store an API key for the CLI to use.")
    static final class SetKey implements Runnable {
        @Mixin
        ApiOptions options;

        @Parameters(paramLabel = "API_KEY", description = "A key such as it_1234567890abcdef.")
        String key;

        @Override
        public void run() {
            if (!key.matches("it_[0-9A-Za-z]{16}")) {
                throw new CliException("that does not look like an Adit API key (it_ and 16 letters or digits)");
            }
            CliConfig config = options.config();
            config.apiKey(key);
            config.save();
            System.out.println("API key " + mask(key) + " saved to " + config.file());
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show the key in use and whether it is valid.")
    static final class Status implements Runnable {
        @Mixin
        ApiOptions options;

        @Override
        public void run() {
            CliConfig config = options.config();
            Optional<String> key = options.apiKey(config);
            if (key.isEmpty()) {
                System.out.println("Not logged in. Run `adit auth login -e EMAIL` or `adit auth set-key it_...`.");
                return;
            }
            System.out.println("Current API Key: " + mask(key.get()));
            try {
                JsonNode self = new ControlApi(options.apiUrl(), key).get("/v1/auth/key");
                System.out.println("Status: Valid");
                System.out.println("Expires: " + (self.path("expires_at").isTextual() ? self.get("expires_at").asText() : "Never"));
            } catch (ControlApi.ApiError e) {
                System.out.println("Status: Invalid (" + e.getMessage() + ")");
            }
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true, description = "Check that the key works, or that it holds a scope.")
    static final class Test implements java.util.concurrent.Callable<Integer> {
        @Mixin
        ApiOptions options;

        @Option(names = "--scope", description = "A permission to check, e.g. tunnels:write.")
        String scope;

        @Override
        public Integer call() {
            ControlApi api = options.authenticatedApi();
            JsonNode self = api.get("/v1/auth/key");
            List<String> permissions = new ArrayList<>();
            self.path("permissions").forEach(p -> permissions.add(p.asText()));
            if (scope != null) {
                boolean granted = permissions.stream().anyMatch(p -> p.equals(scope) || p.equals("*")
                        || (scope.contains(":") && p.equals(scope.substring(0, scope.indexOf(':')) + ":*")));
                System.out.println(granted ? "✅ Permission '" + scope + "' granted" : "❌ Permission '" + scope + "' not granted");
                return granted ? 0 : 1;
            }
            System.out.println("✅ API key is valid");
            try {
                JsonNode user = api.get("/v1/auth/user");
                System.out.println("👤 User: " + user.path("email").asText());
                System.out.println("📋 Plan: " + user.path("plan").asText());
            } catch (ControlApi.ApiError narrow) {
                // a key without account:read may still be valid; say what we can
            }
            System.out.println("🔑 Permissions: " + String.join(", ", permissions));
            return 0;
        }
    }

    static String mask(String key) {
        return key.length() > 3 ? "it_***..." + key.substring(key.length() - 3) : "it_***";
    }
}
