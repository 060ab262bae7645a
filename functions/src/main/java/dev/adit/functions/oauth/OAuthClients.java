package dev.adit.functions.oauth;

import dev.adit.events.secrets.SecretHashes;
import dev.adit.events.table.AditTable;
import dev.adit.functions.auth.Caller;
import dev.adit.functions.errors.ApiException;
import dev.adit.functions.platform.Dynamo;
import dev.adit.functions.platform.Ids;
import dev.adit.functions.platform.Times;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OAuth client registration for an organization, and lookup of any client by id. The CLI's own
 * client ({@value #CLI_CLIENT_ID}) is built in: a public client whose redirect is a loopback URI
 * on any port, so every installation can run {@code adit auth login --web} without setup.
 */
public final class OAuthClients {
    public static final String SK = "CLIENT";
    public static final String CLI_CLIENT_ID = "adit-cli";
    private static final String ID_PREFIX = "cli_";
    private static final String SECRET_PREFIX = "acs_";
    private static final int SECRET_CHARS = 40;
    private static final int MAX_CLIENTS_LISTED = 200;

    public enum ClientType {
        CONFIDENTIAL("confidential"), PUBLIC("public");

        private final String wire;

        ClientType(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        static Optional<ClientType> fromWire(String value) {
            return java.util.Arrays.stream(values()).filter(t -> t.wire.equals(value)).findFirst();
        }
    }

    /** What the authorization server needs to know of a client. */
    public record Client(String id, String name, ClientType type, List<String> redirectUris, Optional<String> secretHash) {
        public boolean isPublic() {
            return type == ClientType.PUBLIC;
        }
    }

    public record ClientView(String clientId, String name, String clientType, List<String> redirectUris, String createdAt) {
    }

    public record RegisteredClient(String clientId, String clientSecret, String name, String clientType,
                                   List<String> redirectUris, String createdAt) {
        @Override
        public String toString() {
            return "RegisteredClient[clientId=" + clientId + "]";
        }
    }

    private static final Client CLI = new Client(CLI_CLIENT_ID, "Adit CLI", ClientType.PUBLIC,
            List.of("http://127.0.0.1/callback", "http://[::1]/callback"), Optional.empty());

    private final Dynamo dynamo;
    private final Clock clock;

    public OAuthClients(Dynamo dynamo, Clock clock) {
        this.dynamo = dynamo;
        this.clock = clock;
    }

    public static String pk(String clientId) {
        return "OAUTH_CLIENT#" + clientId;
    }

    public static boolean isBuiltIn(String clientId) {
        return CLI_CLIENT_ID.equals(clientId);
    }

    public RegisteredClient register(Caller caller, String name, List<String> redirectUris, String clientType) {
        String clientName = Optional.ofNullable(name).map(String::strip).orElse("");
        if (clientName.isEmpty() || clientName.length() > 100) {
            throw ApiException.invalid("name", "name is required and may be at most 100 characters");
        }
        ClientType type = clientType == null ? ClientType.CONFIDENTIAL : ClientType.fromWire(clientType)
                .orElseThrow(() -> ApiException.invalid("client_type", "client_type must be 'confidential' or 'public'"));
        List<String> uris = RedirectUris.validate(redirectUris);
        long now = clock.millis();
        String id = ID_PREFIX + Ids.base62(20);
        Optional<String> secret = type == ClientType.CONFIDENTIAL ? Optional.of(SECRET_PREFIX + Ids.base62(SECRET_CHARS)) : Optional.empty();
        OAuthClientItem item = new OAuthClientItem();
        item.setPk(pk(id));
        item.setSk(SK);
        item.setGsi1pk(listing(caller.organizationId()));
        item.setGsi1sk("CLIENT#" + id);
        item.setId(id);
        item.setName(clientName);
        item.setOrganizationId(caller.organizationId());
        item.setClientType(type.wire());
        item.setRedirectUris(uris);
        secret.ifPresent(s -> item.setSecretHash(SecretHashes.sha256Hex(s)));
        item.setCreatedBy(caller.userId());
        item.setCreatedAt(now);
        dynamo.table(OAuthClientItem.class).putItem(r -> r.item(item)
                .conditionExpression(Expression.builder().expression("attribute_not_exists(pk)").build()));
        return new RegisteredClient(id, secret.orElse(null), clientName, type.wire(), uris, Times.iso(now));
    }

    public List<ClientView> list(Caller caller) {
        List<ClientView> out = new ArrayList<>();
        dynamo.table(OAuthClientItem.class).index(AditTable.GSI1)
                .query(r -> r.queryConditional(QueryConditional.keyEqualTo(Key.builder().partitionValue(listing(caller.organizationId())).build()))
                        .limit(MAX_CLIENTS_LISTED))
                .stream().limit(1).forEach(page -> page.items().forEach(i -> out.add(view(i))));
        out.sort(java.util.Comparator.comparing(ClientView::createdAt));
        return out;
    }

    public ClientView get(Caller caller, String clientId) {
        return own(caller, clientId).map(OAuthClients::view).orElseThrow(() -> ApiException.notFound("OAuth client"));
    }

    /** Deletes the client; tokens it was issued stop working at their next use (the authenticator checks the client). */
    public void delete(Caller caller, String clientId) {
        own(caller, clientId).orElseThrow(() -> ApiException.notFound("OAuth client"));
        try {
            dynamo.client().deleteItem(r -> r.tableName(dynamo.tableName()).key(Dynamo.key(pk(clientId), SK))
                    .conditionExpression("organization_id = :org")
                    .expressionAttributeValues(Map.of(":org", Dynamo.s(caller.organizationId()))));
        } catch (ConditionalCheckFailedException gone) {
            throw ApiException.notFound("OAuth client");
        }
    }

    /** Any client by id, for the authorization and token endpoints. */
    public Optional<Client> find(String clientId) {
        if (clientId == null || clientId.isEmpty() || clientId.length() > 64) {
            return Optional.empty();
        }
        if (isBuiltIn(clientId)) {
            return Optional.of(CLI);
        }
        if (!clientId.startsWith(ID_PREFIX) || !Ids.isBase62(clientId.substring(ID_PREFIX.length()))) {
            return Optional.empty();
        }
        return Optional.ofNullable(dynamo.table(OAuthClientItem.class)
                        .getItem(r -> r.key(Key.builder().partitionValue(pk(clientId)).sortValue(SK).build()).consistentRead(true)))
                .map(i -> new Client(i.getId(), i.getName(), ClientType.fromWire(i.getClientType()).orElse(ClientType.CONFIDENTIAL),
                        i.getRedirectUris(), Optional.ofNullable(i.getSecretHash())));
    }

    /** Constant-time comparison of a presented secret with the stored hash. */
    public static boolean secretMatches(Client client, String presented) {
        if (client.secretHash().isEmpty() || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(SecretHashes.sha256Hex(presented).getBytes(StandardCharsets.US_ASCII),
                client.secretHash().get().getBytes(StandardCharsets.US_ASCII));
    }

    private Optional<OAuthClientItem> own(Caller caller, String clientId) {
        if (clientId == null || !clientId.startsWith(ID_PREFIX) || clientId.length() > 64) {
            return Optional.empty();
        }
        return Optional.ofNullable(dynamo.table(OAuthClientItem.class)
                        .getItem(r -> r.key(Key.builder().partitionValue(pk(clientId)).sortValue(SK).build()).consistentRead(true)))
                .filter(i -> caller.organizationId().equals(i.getOrganizationId()));
    }

    private static String listing(String organizationId) {
        return "ORG#" + organizationId + "#OAUTH_CLIENTS";
    }

    private static ClientView view(OAuthClientItem i) {
        return new ClientView(i.getId(), i.getName(), i.getClientType(), i.getRedirectUris(), Times.iso(i.getCreatedAt()));
    }
}
