package dev.adit.functions.keys;

import dev.adit.events.table.AditTable;
import dev.adit.functions.auth.Caller;
import dev.adit.functions.auth.Scopes;
import dev.adit.functions.errors.ApiException;
import dev.adit.functions.platform.Dynamo;
import dev.adit.functions.platform.Times;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A user's API keys within one organization: create (shown once), list masked, revoke. */
public final class KeyService {
    public record KeyView(String id, String name, String key, String createdAt, String lastUsed, String expiresAt,
                          List<String> permissions) {
    }

    public record CreatedKey(String id, String name, String key, String createdAt, List<String> permissions) {
        @Override
        public String toString() {
            return "CreatedKey[id=" + id + "]";
        }
    }

    private final Dynamo dynamo;
    private final Clock clock;

    public KeyService(Dynamo dynamo, Clock clock) {
        this.dynamo = dynamo;
        this.clock = clock;
    }

    public CreatedKey create(Caller caller, String name, List<String> permissions) {
        String keyName = Optional.ofNullable(name).map(String::strip).orElse("");
        if (keyName.isEmpty() || keyName.length() > 100) {
            throw ApiException.invalid("name", "name is required and may be at most 100 characters");
        }
        if (permissions == null || permissions.isEmpty()) {
            throw ApiException.invalid("permissions", "permissions must list at least one scope, e.g. [\"tunnels:read\"]");
        }
        Scopes.firstUnknown(permissions).ifPresent(unknown -> {
            throw ApiException.invalid("permissions", "unknown permission scope '" + unknown + "'; known scopes: " + String.join(", ", Scopes.ALL));
        });
        for (String requested : permissions) {
            if (!Scopes.covers(caller.scopes(), requested)) {
                String missing = Scopes.expand(List.of(requested)).stream()
                        .filter(s -> !caller.has(s)).findFirst().orElse(requested);
                throw ApiException.forbidden(missing, "A new key cannot hold more than the key that creates it: this key lacks " + missing);
            }
        }
        List<String> distinct = List.copyOf(new LinkedHashSet<>(permissions));
        ApiKeys.NewKey key = ApiKeys.generate(caller.userId(), caller.organizationId(), keyName, distinct, clock.millis());
        dynamo.table(ApiKeyItem.class).putItem(r -> r.item(key.item()).conditionExpression(
                software.amazon.awssdk.enhanced.dynamodb.Expression.builder().expression("attribute_not_exists(pk)").build()));
        ApiKeyItem item = key.item();
        return new CreatedKey(item.getId(), item.getName(), key.plaintext(), Times.iso(item.getCreatedAt()), item.getPermissions());
    }

    public List<KeyView> list(Caller caller) {
        List<KeyView> out = new ArrayList<>();
        dynamo.table(ApiKeyItem.class).index(AditTable.GSI1)
                .query(r -> r.queryConditional(QueryConditional.keyEqualTo(
                        Key.builder().partitionValue(ApiKeys.listingPartition(caller.organizationId(), caller.userId())).build())))
                .forEach(page -> page.items().forEach(item -> out.add(view(item))));
        out.sort((a, b) -> a.createdAt().compareTo(b.createdAt()));
        return out;
    }

    /** The key the caller authenticated with: what it may do and until when. */
    public KeyView current(Caller caller) {
        ApiKeyItem item = dynamo.table(ApiKeyItem.class).getItem(r -> r.key(
                Key.builder().partitionValue(caller.credentialHash()).sortValue("KEY").build()));
        if (item == null) {
            throw ApiException.unauthorized("Invalid or missing API key");
        }
        return view(item);
    }

    public void revoke(Caller caller, String keyId) {
        ApiKeyItem item = findOwn(caller, keyId).orElseThrow(() -> ApiException.notFound("API key"));
        boolean own = item.getPk().equals(caller.credentialHash());
        if (!own) {
            // a narrow key must not be able to lock its owner out by revoking a broader one
            item.getPermissions().stream().filter(p -> !Scopes.covers(caller.scopes(), p)).findFirst().ifPresent(p -> {
                throw ApiException.forbidden(p, "This key cannot revoke a key that holds more than it does (" + p + ")");
            });
        }
        try {
            dynamo.client().deleteItem(r -> r.tableName(dynamo.tableName())
                    .key(Dynamo.key(item.getPk(), item.getSk()))
                    .conditionExpression("organization_id = :org AND user_id = :user")
                    .expressionAttributeValues(Map.of(":org", Dynamo.s(caller.organizationId()), ":user", Dynamo.s(caller.userId()))));
        } catch (ConditionalCheckFailedException gone) {
            throw ApiException.notFound("API key");
        }
    }

    private Optional<ApiKeyItem> findOwn(Caller caller, String keyId) {
        if (keyId == null || !keyId.startsWith("key_") || keyId.length() > 40) {
            return Optional.empty();
        }
        return dynamo.table(ApiKeyItem.class).index(AditTable.GSI1)
                .query(r -> r.queryConditional(QueryConditional.keyEqualTo(Key.builder()
                        .partitionValue(ApiKeys.listingPartition(caller.organizationId(), caller.userId()))
                        .sortValue("KEY#" + keyId).build())))
                .stream().flatMap(p -> p.items().stream()).findFirst();
    }

    private static KeyView view(ApiKeyItem item) {
        return new KeyView(item.getId(), item.getName(), ApiKeys.masked(item), Times.iso(item.getCreatedAt()),
                Times.isoOrNull(item.getLastUsed()),
                item.getExpiresAt() == null ? null : Times.iso(item.getExpiresAt() * 1000), item.getPermissions());
    }
}
