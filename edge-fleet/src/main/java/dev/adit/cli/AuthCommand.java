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
        System.out.println("Usage: adit auth (login --web | login -e EMAIL [--org ORG_ID] | set-key it_... | status | test [--scope SCOPE])");
    }

    @Command(name = "login", mixinStandardHelpOptions = true,
            description = {"Log in; stores the credential the CLI uses.",
                    "  --web: in the browser (OAuth with PKCE), as `gh auth login` does.",
                    "  -e EMAIL: with email and password; stores a new API key."})
    static final class Login implements Runnable {
        @Mixin
        ApiOptions options;

        @Option(names = {"-e", "--email"}, description = "Your account's email address (password login).")
        String email;

        @Option(names = "--password-stdin", description = "Read the password from standard input (for scripts; "
                + "without a terminal it is required).")
        boolean passwordStdin;

        @Option(names = "--org", paramLabel = "ORG_ID", description = "Act for this one of your organizations (password login; "
                + "with --web you choose it on the consent page).")
        String organizationId;

        @Option(names = "--web", description = "Log in in the browser instead of typing a password here.")
        boolean web;

        @Option(names = "--no-browser", description = "With --web: print the address instead of opening a browser.")
        boolean noBrowser;

        @Option(names = "--scope", description = "With --web: the scopes to ask for (default: ${DEFAULT-VALUE}).",
                defaultValue = WebLogin.DEFAULT_SCOPE)
        String scope;

        @Option(names = "--timeout", description = "With --web: how long to wait for the browser, e.g. 5m (default ${DEFAULT-VALUE}).",
                defaultValue = "5m")
        String timeout;

        @Override
        public void run() {
            CliConfig config = options.config();
            if (web) {
                if (email != null || organizationId != null) {
                    throw new CliException("--web asks for the account and organization in the browser; leave out -e and --org");
                }
                WebLogin.Tokens tokens = WebLogin.run(options.apiUrl(), scope, !noBrowser, parseDuration(timeout), System.out);
                config.oauthTokens(tokens.accessToken(), tokens.refreshToken(), tokens.expiresAt());
                config.save();
                JsonNode user = new ControlApi(options.apiUrl(), Optional.of(tokens.accessToken())).get("/v1/auth/user");
                System.out.println("Logged in as " + user.path("email").asText() + " for " + user.path("organization").path("name").asText()
                        + " (scopes: " + tokens.scope() + ").");
                System.out.println("Token saved to " + config.file() + "; it is refreshed by itself.");
                return;
            }
            if (email == null) {
                throw new CliException("say how to log in: `adit auth login --web`, or `adit auth login -e EMAIL`");
            }
            String password = readPassword();
            JsonNode answer = options.api().post("/v1/auth/login", organizationId == null
                    ? ControlApi.body("email", email, "password", password)
                    : ControlApi.body("email", email, "password", password, "organization_id", organizationId));
            config.apiKeyOnly(answer.get("api_key").asText());
            config.save();
            System.out.println("Logged in as " + answer.path("user").path("email").asText() + ".");
            System.out.println("API key " + mask(answer.get("api_key").asText()) + " saved to " + config.file());
        }

        private static java.time.Duration parseDuration(String value) {
            var m = java.util.regex.Pattern.compile("(\\d+)([smh])").matcher(value.trim());
            if (!m.matches()) {
                throw new CliException("--timeout must be like 90s, 5m or 1h");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> java.time.Duration.ofSeconds(n);
                case "m" -> java.time.Duration.ofMinutes(n);
                default -> java.time.Duration.ofHours(n);
            };
        }

        /**
         * From the console without echo; with --password-stdin, the first line of standard input. Without a
         * console (input or output redirected) and without the flag it refuses rather than read a pipe
         * that was perhaps not meant for it, or echo a typed password.
         */
        private String readPassword() {
            if (passwordStdin) {
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
            Console console = System.console();
            if (console == null) {
                throw new CliException("no terminal to ask for the password; pipe it in with --password-stdin");
            }
            char[] typed = console.readPassword("Password: ");
            if (typed == null || typed.length == 0) {
                throw new CliException("no password given");
            }
            return new String(typed);
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
            config.apiKeyOnly(key);
            config.save();
            System.out.println("API key " + mask(key) + " saved to " + config.file());
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = {"Show the key in use and whether it is valid.",
            "Exits 0 when it is, 1 when it is not or there is none."})
    static final class Status implements java.util.concurrent.Callable<Integer> {
        @Mixin
        ApiOptions options;

        @Override
        public Integer call() {
            CliConfig config = options.config();
            Optional<String> key = options.apiKey(config);
            if (key.isEmpty()) {
                System.out.println("Not logged in. Run `adit auth login -e EMAIL` or `adit auth set-key it_...`.");
                return 1;
            }
            System.out.println("Current API Key: " + mask(key.get()));
            JsonNode self;
            try {
                self = options.authenticatedApi().get("/v1/auth/key");
            } catch (CliException e) {
                boolean refused = e instanceof ControlApi.ApiError answer ? answer.status() == 401 : e.error().equals(ApiOptions.LOGIN_ENDED);
                if (!refused) {
                    throw e; // unreachable, rate limited, failing: the API said nothing about the key
                }
                System.out.println("Status: Invalid (" + e.getMessage() + ")");
                return 1;
            }
            System.out.println("Status: Valid");
            System.out.println("Expires: " + (config.refreshToken().isPresent() ? "refreshed by itself (OAuth login)"
                    : self.path("expires_at").isTextual() ? self.get("expires_at").asText() : "Never"));
            return 0;
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true, description = {"Check that the key works, or that it holds a scope.",
            "Exits 0 when it does, 1 when it does not."})
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
        String prefix = key.indexOf('_') > 0 ? key.substring(0, key.indexOf('_') + 1) : "";
        return key.length() > 3 ? prefix + "***..." + key.substring(key.length() - 3) : prefix + "***";
    }
}
