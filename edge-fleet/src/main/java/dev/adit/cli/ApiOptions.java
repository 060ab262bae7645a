package dev.adit.cli;

import picocli.CommandLine.Option;

import java.net.URI;
import java.util.Optional;

/** Where the control API is and which key to use: flag, then environment, then the config file. */
public final class ApiOptions {
    public static final String DEFAULT_API_URL = "http://127.0.0.1:8080";
    /** The reason of a {@link CliException} when an OAuth login's refresh token is refused. */
    public static final String LOGIN_ENDED = "login_ended";

    @Option(names = "--api-url", description = "Control API base URL (env ADIT_API_URL; default " + DEFAULT_API_URL + ").")
    String apiUrl;

    @Option(names = "--config-dir", description = "Where the CLI keeps its config (env ADIT_CONFIG_DIR; default ~/.config/adit).")
    java.nio.file.Path configDir;

    public URI apiUrl() {
        String value = apiUrl != null ? apiUrl
                : Optional.ofNullable(System.getenv("ADIT_API_URL")).filter(s -> !s.isBlank()).orElse(DEFAULT_API_URL);
        String trimmed = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (java.net.URISyntaxException e) {
            throw new CliException("the API URL " + trimmed + " is not a URL: " + e.getReason());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new CliException("the API URL must look like http://HOST:PORT or https://HOST, not " + trimmed
                    + " (from " + (apiUrl != null ? "--api-url" : "ADIT_API_URL") + ")");
        }
        return uri;
    }

    public java.nio.file.Path configDirectory() {
        return configDir != null ? configDir : CliConfig.defaultDirectory();
    }

    public CliConfig config() {
        return CliConfig.load(configDirectory());
    }

    /** ADIT_API_KEY wins over the stored key, so CI and scripts never touch the file. */
    public Optional<String> apiKey(CliConfig config) {
        return Optional.ofNullable(System.getenv("ADIT_API_KEY")).filter(s -> !s.isBlank()).or(config::apiKey);
    }

    public ControlApi api() {
        return new ControlApi(apiUrl(), apiKey(config()));
    }

    public ControlApi authenticatedApi() {
        CliConfig config = config();
        String key = apiKey(config).orElseThrow(() ->
                new CliException("not_logged_in", 4001, "not logged in: run `adit auth login --web`, `adit auth login -e EMAIL` or `adit auth set-key it_...`, or set ADIT_API_KEY"));
        if (System.getenv("ADIT_API_KEY") == null && refreshDue(config)) {
            key = refresh(config);
        }
        return new ControlApi(apiUrl(), Optional.of(key));
    }

    /** An OAuth access token that expires within a minute is replaced before it is used. */
    private static boolean refreshDue(CliConfig config) {
        return config.refreshToken().isPresent() && config.accessTokenExpiresAt()
                .map(at -> at.isBefore(java.time.Instant.now().plusSeconds(60))).orElse(true);
    }

    private String refresh(CliConfig config) {
        try {
            WebLogin.Tokens tokens = WebLogin.refresh(apiUrl(), config.refreshToken().orElseThrow());
            config.oauthTokens(tokens.accessToken(), tokens.refreshToken(), tokens.expiresAt());
            config.save();
            return tokens.accessToken();
        } catch (ControlApi.ApiError refused) {
            throw new CliException(LOGIN_ENDED, 4001, "the saved login has ended (" + refused.getMessage() + "); run `adit auth login --web` again");
        }
    }
}
