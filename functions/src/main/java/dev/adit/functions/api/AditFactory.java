package dev.adit.functions.api;

import dev.adit.events.table.AditTable;
import dev.adit.functions.auth.AccountService;
import dev.adit.functions.auth.Authenticator;
import dev.adit.functions.auth.PasswordHasher;
import dev.adit.pki.CaFiles;
import dev.adit.pki.CertificateAuthority;
import dev.adit.events.secrets.SecretsManagerSecret;
import dev.adit.functions.certs.CaSource;
import dev.adit.functions.certs.SecretCaSource;
import dev.adit.functions.edges.EdgeDirectory;
import dev.adit.functions.errors.ApiException;
import dev.adit.functions.tunnels.TunnelCertificates;
import dev.adit.functions.finalizer.TunnelFinalizer;
import dev.adit.functions.idempotency.IdempotencyStore;
import dev.adit.functions.keys.KeyService;
import dev.adit.functions.oauth.AuthorizationService;
import dev.adit.functions.oauth.OAuthClients;
import dev.adit.functions.oauth.OAuthTokens;
import dev.adit.functions.orgs.Memberships;
import dev.adit.functions.orgs.Organizations;
import dev.adit.functions.platform.Dynamo;
import dev.adit.functions.ratelimit.RateLimit;
import dev.adit.functions.ratelimit.RateLimiter;
import dev.adit.functions.ratelimit.RateLimits;
import dev.adit.functions.tunnels.TunnelQueries;
import dev.adit.functions.tunnels.TunnelService;
import dev.adit.functions.tunnels.TunnelSettings;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Wires the plain domain classes from configuration. Everything Micronaut knows about Adit's
 * domain is in this file; the domain itself has no framework types.
 */
@Factory
public class AditFactory {
    private static final Logger log = LoggerFactory.getLogger(AditFactory.class);

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Singleton
    @Bean(preDestroy = "close")
    DynamoDbClient dynamoDbClient(@Value("${adit.dynamodb.endpoint:}") String endpoint,
                                  @Value("${adit.dynamodb.region:}") String region) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create());
        if (!endpoint.isBlank()) {
            // DynamoDB Local ignores credentials but the SDK wants some
            builder.endpointOverride(URI.create(endpoint))
                    .region(Region.of(region.isBlank() ? "us-east-1" : region))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        } else if (!region.isBlank()) {
            builder.region(Region.of(region));
        }
        return builder.build();
    }

    @Singleton
    Dynamo dynamo(DynamoDbClient client, @Value("${adit.table-name:adit}") String tableName,
                  @Value("${adit.create-table:false}") boolean createTable) {
        if (createTable) {
            AditTable.ensureTable(client, tableName);
        }
        return new Dynamo(client, tableName);
    }

    @Singleton
    RateLimits rateLimits(@Value("${adit.rate-limits.reads-per-minute:100}") int reads,
                          @Value("${adit.rate-limits.writes-per-minute:20}") int writes,
                          @Value("${adit.rate-limits.tunnel-creates-per-day:10}") int creates,
                          @Value("${adit.rate-limits.token-regenerations-per-hour:5}") int regenerations,
                          @Value("${adit.rate-limits.login-attempts-per-15-minutes:10}") int logins,
                          @Value("${adit.rate-limits.login-attempts-per-account-per-15-minutes:100}") int accountLogins,
                          @Value("${adit.rate-limits.signups-per-hour:20}") int signups,
                          @Value("${adit.rate-limits.authorization-requests-per-10-minutes:100}") int authorizations) {
        return new RateLimits(
                new RateLimit("reads", reads, Duration.ofMinutes(1)),
                new RateLimit("writes", writes, Duration.ofMinutes(1)),
                new RateLimit("tunnel-creates", creates, Duration.ofDays(1)),
                new RateLimit("token-regenerations", regenerations, Duration.ofHours(1)),
                new RateLimit("login-attempts", logins, Duration.ofMinutes(15)),
                new RateLimit("login-attempts-account", accountLogins, Duration.ofMinutes(15)),
                new RateLimit("signups", signups, Duration.ofHours(1)),
                new RateLimit("authorization-requests", authorizations, Duration.ofMinutes(10)));
    }

    @Singleton
    RateLimiter rateLimiter(Dynamo dynamo, Clock clock) {
        return new RateLimiter(dynamo, clock);
    }

    @Singleton
    PasswordHasher passwordHasher(@Value("${adit.argon2.memory-kib:19456}") int memory,
                                  @Value("${adit.argon2.iterations:2}") int iterations,
                                  @Value("${adit.argon2.parallelism:1}") int parallelism) {
        return new PasswordHasher(new PasswordHasher.Parameters(memory, iterations, parallelism));
    }

    @Singleton
    Authenticator authenticator(Dynamo dynamo, Clock clock) {
        return new Authenticator(dynamo, clock);
    }

    @Singleton
    AccountService accountService(Dynamo dynamo, PasswordHasher hasher, RateLimiter limiter, RateLimits limits,
                                  @Value("${adit.signup.admin:true}") boolean signupMakesAdmin,
                                  @Value("${adit.signup.plan:free}") String plan,
                                  @Value("${adit.login-key-lifetime:30d}") Duration loginKeyLifetime,
                                  Memberships memberships, Clock clock) {
        return new AccountService(dynamo, hasher, limiter, limits,
                new AccountService.Settings(signupMakesAdmin, plan, loginKeyLifetime), memberships, clock);
    }

    @Singleton
    KeyService keyService(Dynamo dynamo, Clock clock) {
        return new KeyService(dynamo, clock);
    }

    @Singleton
    TunnelSettings tunnelSettings(@Value("${adit.domain:localhost}") String domain,
                                  @Value("${adit.tunnel-url-template:}") String urlTemplate,
                                  @Value("${adit.tunnel-tls-url-template:}") String tlsUrlTemplate,
                                  @Value("${adit.grace-period:24h}") Duration grace,
                                  @Value("${adit.tombstone-retention:90d}") Duration retention) {
        String template = Optional.of(urlTemplate).filter(t -> !t.isBlank()).orElse("https://{name}." + domain);
        String tlsTemplate = Optional.of(tlsUrlTemplate).filter(t -> !t.isBlank()).orElse("https://{name}." + domain);
        return new TunnelSettings(domain, template, tlsTemplate, grace, retention);
    }

    @Singleton
    TunnelQueries tunnelQueries(Dynamo dynamo, TunnelSettings settings, Clock clock) {
        return new TunnelQueries(dynamo, settings, clock);
    }

    @Singleton
    TunnelService tunnelService(Dynamo dynamo, TunnelQueries queries, RateLimiter limiter, RateLimits limits,
                                TunnelSettings settings, Clock clock) {
        return new TunnelService(dynamo, queries, limiter, limits, settings, clock);
    }

    /**
     * The Secrets Manager secret holding the CA ({@code ADIT_CA_SECRET_ARN}, set by the stack), read in
     * the secret ARN's own region; {@code adit.secrets-manager.endpoint} points elsewhere (tests, a VPC
     * endpoint). Credentials come from the default chain: the function's role on AWS.
     */
    @Singleton
    @Named("ca")
    @Bean(preDestroy = "close")
    @Requires(property = "adit.ca.secret-arn", pattern = ".+")
    SecretsManagerSecret caSecret(@Value("${adit.ca.secret-arn}") String arn,
                                  @Value("${adit.secrets-manager.endpoint:}") String endpoint,
                                  @Value("${adit.secrets-manager.region:}") String region) {
        return new SecretsManagerSecret(SecretsManagerSecret.clientBuilder(arn, region,
                        Optional.of(endpoint).filter(e -> !e.isBlank()).map(URI::create))
                .httpClient(UrlConnectionHttpClient.create())
                .build(), arn);
    }

    /**
     * The CA that signs passthrough tunnels' certificates, from the first of: a Secrets Manager secret
     * (AWS: {@code ADIT_CA_SECRET_ARN}), PEM text from configuration ({@code ADIT_CA_*_PEM}), a
     * directory of PEM files (local runs). Without any, sign-csr answers 503.
     */
    @Singleton
    CaSource caSource(@Named("ca") Optional<SecretsManagerSecret> secret, Clock clock,
                      @Value("${adit.ca.secret-refresh:1h}") Duration refresh,
                      @Value("${adit.ca.secret-retry:1m}") Duration retry,
                      @Value("${adit.ca.dir:}") String dir,
                      @Value("${adit.ca.root-pem:}") String rootPem,
                      @Value("${adit.ca.intermediate-pem:}") String intermediatePem,
                      @Value("${adit.ca.intermediate-key-pem:}") String intermediateKeyPem) {
        if (secret.isPresent()) {
            if (!intermediateKeyPem.isBlank()) {
                log.warn("both adit.ca.secret-arn and adit.ca.intermediate-key-pem are set: the CA comes from the secret");
            }
            SecretCaSource source = new SecretCaSource(secret.get().id(), secret.get()::read, refresh, retry, clock);
            try {
                source.current(); // read at start: a broken secret shows in the log before the first CSR
            } catch (ApiException e) {
                // already logged with its cause; sign-csr answers 503 until the secret can be read
            }
            return source;
        }
        Optional<CertificateAuthority> ca = !intermediateKeyPem.isBlank()
                ? Optional.of(CaFiles.fromPem(rootPem, intermediatePem, intermediateKeyPem))
                : Optional.of(dir).filter(d -> !d.isBlank()).flatMap(d -> CaFiles.fromDirectory(java.nio.file.Path.of(d)));
        return CaSource.fixed(ca);
    }

    @Singleton
    TunnelCertificates tunnelCertificates(Dynamo dynamo, TunnelQueries queries, TunnelSettings settings, Clock clock, CaSource ca,
                                          @Value("${adit.ca.certificate-validity:90d}") Duration validity) {
        return new TunnelCertificates(dynamo, queries, ca, validity, settings, clock);
    }

    @Singleton
    IdempotencyStore idempotencyStore(Dynamo dynamo, @Value("${adit.idempotency.window:1h}") Duration window, Clock clock) {
        return new IdempotencyStore(dynamo, window, clock);
    }

    @Singleton
    EdgeDirectory edgeDirectory(@Value("${adit.domain:localhost}") String domain,
                                @Value("${adit.edge.agent-host:127.0.0.1}") String agentHost,
                                @Value("${adit.edge.agent-port:8082}") int agentPort,
                                @Value("${adit.edge.ca-file:}") String caFile,
                                TunnelSettings tunnels) {
        return new EdgeDirectory(domain, agentHost, agentPort,
                Optional.of(caFile).filter(f -> !f.isBlank()).map(java.nio.file.Path::of), tunnels.tlsUrlTemplate());
    }

    @Singleton
    TunnelFinalizer tunnelFinalizer(Dynamo dynamo, TunnelSettings settings, Clock clock) {
        return new TunnelFinalizer(dynamo, settings.tombstoneRetention(), clock);
    }

    @Singleton
    OAuthClients oauthClients(Dynamo dynamo, Clock clock) {
        return new OAuthClients(dynamo, clock);
    }

    @Singleton
    OAuthTokens oauthTokens(Dynamo dynamo, Clock clock,
                            @Value("${adit.oauth.code-lifetime:60s}") Duration code,
                            @Value("${adit.oauth.access-token-lifetime:1h}") Duration access,
                            @Value("${adit.oauth.refresh-token-lifetime:30d}") Duration refresh) {
        return new OAuthTokens(dynamo, new OAuthTokens.Lifetimes(code, access, refresh), clock);
    }

    @Singleton
    AuthorizationService authorizationService(Dynamo dynamo, OAuthClients clients, OAuthTokens tokens, AccountService accounts,
                                              Memberships memberships, RateLimiter limiter, RateLimits limits, Clock clock) {
        return new AuthorizationService(dynamo, clients, tokens.lifetimes(), accounts, memberships,
                limiter, limits.authorizationRequests(), AuthorizationService.Settings.DEFAULT, clock);
    }

    @Singleton
    Memberships memberships(Dynamo dynamo) {
        return new Memberships(dynamo);
    }

    @Singleton
    Organizations organizations(Dynamo dynamo, Memberships memberships, Clock clock,
                                @Value("${adit.invitation-lifetime:7d}") Duration invitationLifetime) {
        return new Organizations(dynamo, memberships, invitationLifetime, clock);
    }
}
