package dev.adit.functions.idempotency;

import dev.adit.events.secrets.SecretHashes;
import dev.adit.functions.auth.Caller;
import dev.adit.functions.errors.ApiException;
import dev.adit.functions.platform.Dynamo;
import dev.adit.functions.platform.Ids;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * Idempotency-Key records: the first request claims the key, later ones with the same key and body
 * get the first answer back, a different body is refused. The answer is sealed (AES-GCM) under a
 * key derived from the caller's credential, because it may hold a secret that is shown only once.
 */
public final class IdempotencyStore {
    /** How long a claimed but unfinished request blocks retries: longer than any request runs. */
    private static final Duration LEASE = Duration.ofSeconds(60);

    public sealed interface Claim permits Claim.Fresh, Claim.Replay {
        record Fresh() implements Claim {
        }

        record Replay(int status, String body) implements Claim {
        }
    }

    private final Dynamo dynamo;
    private final Duration window;
    private final Clock clock;

    public IdempotencyStore(Dynamo dynamo, Duration window, Clock clock) {
        this.dynamo = dynamo;
        this.window = window;
        this.clock = clock;
    }

    public static void validateKey(String idempotencyKey) {
        if (idempotencyKey.isEmpty() || idempotencyKey.length() > 255
                || !idempotencyKey.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw new ApiException(400, "invalid_idempotency_key", "Idempotency-Key must be 1 to 255 visible ASCII characters",
                    Map.of("field", "Idempotency-Key"), Map.of());
        }
    }

    public Claim claim(Caller caller, String idempotencyKey, String fingerprint) {
        validateKey(idempotencyKey);
        String pk = pk(caller, idempotencyKey);
        long now = clock.millis();
        IdempotencyItem item = new IdempotencyItem();
        item.setPk(pk);
        item.setSk("IDEM");
        item.setFingerprint(fingerprint);
        item.setState("in_progress");
        item.setCreatedAt(now);
        item.setExpiresAt((now + LEASE.toMillis()) / 1000);
        try {
            dynamo.client().putItem(r -> r.tableName(dynamo.ephemeralTableName())
                    .item(dynamo.attributes(item, IdempotencyItem.class))
                    .conditionExpression("attribute_not_exists(pk) OR expires_at < :now")
                    .expressionAttributeValues(Map.of(":now", Dynamo.n(now / 1000))));
            return new Claim.Fresh();
        } catch (ConditionalCheckFailedException taken) {
            IdempotencyItem existing = dynamo.ephemeralTable(IdempotencyItem.class)
                    .getItem(r -> r.key(Key.builder().partitionValue(pk).sortValue("IDEM").build()).consistentRead(true));
            if (existing == null) {
                return claim(caller, idempotencyKey, fingerprint);
            }
            if (!MessageDigest.isEqual(existing.getFingerprint().getBytes(StandardCharsets.US_ASCII), fingerprint.getBytes(StandardCharsets.US_ASCII))) {
                throw new ApiException(422, "idempotency_key_reused",
                        "This Idempotency-Key was already used with a different request", Map.of("field", "Idempotency-Key"), Map.of());
            }
            if (!"complete".equals(existing.getState())) {
                throw new ApiException(409, "idempotency_in_progress",
                        "A request with this Idempotency-Key is still being processed; retry shortly", Map.of("retry_after", 1), Map.of("Retry-After", "1"));
            }
            return new Claim.Replay(existing.getStatusCode(), open(caller, idempotencyKey, pk, existing.getSealedBody()));
        }
    }

    public void complete(Caller caller, String idempotencyKey, int status, String body) {
        String pk = pk(caller, idempotencyKey);
        long now = clock.millis();
        dynamo.client().updateItem(r -> r.tableName(dynamo.ephemeralTableName())
                .key(Dynamo.key(pk, "IDEM"))
                .updateExpression("SET #st = :complete, status_code = :code, sealed_body = :body, expires_at = :exp")
                .expressionAttributeNames(Map.of("#st", "state"))
                .expressionAttributeValues(Map.of(":complete", Dynamo.s("complete"), ":code", Dynamo.n(status),
                        ":body", Dynamo.s(seal(caller, idempotencyKey, pk, body)),
                        ":exp", Dynamo.n((now + window.toMillis()) / 1000))));
    }

    /** The request failed without creating anything: let a retry run it again. */
    public void release(Caller caller, String idempotencyKey) {
        dynamo.client().deleteItem(r -> r.tableName(dynamo.ephemeralTableName()).key(Dynamo.key(pk(caller, idempotencyKey), "IDEM"))
                .conditionExpression("#st = :progress")
                .expressionAttributeNames(Map.of("#st", "state"))
                .expressionAttributeValues(Map.of(":progress", Dynamo.s("in_progress"))));
    }

    public static String fingerprint(String method, String path, String canonicalBody) {
        return SecretHashes.sha256Hex(method + " " + path + "\n" + canonicalBody);
    }

    private static String pk(Caller caller, String idempotencyKey) {
        return "IDEM#" + caller.credentialHash() + "#" + SecretHashes.sha256Hex(idempotencyKey);
    }

    private static SecretKeySpec sealingKey(Caller caller, String idempotencyKey) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(caller.sealingKey());
            sha.update(idempotencyKey.getBytes(StandardCharsets.UTF_8));
            return new SecretKeySpec(sha.digest(), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String seal(Caller caller, String idempotencyKey, String pk, String body) {
        try {
            byte[] iv = Ids.randomBytes(12);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, sealingKey(caller, idempotencyKey), new GCMParameterSpec(128, iv));
            cipher.updateAAD(pk.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(body.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing failed", e);
        }
    }

    private static String open(Caller caller, String idempotencyKey, String pk, String sealedBody) {
        try {
            byte[] all = Base64.getDecoder().decode(sealedBody);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, sealingKey(caller, idempotencyKey), new GCMParameterSpec(128, all, 0, 12));
            cipher.updateAAD(pk.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(all, 12, all.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ApiException(422, "idempotency_key_reused", "The stored answer for this Idempotency-Key cannot be opened with this credential",
                    Map.of("field", "Idempotency-Key"), Map.of());
        }
    }
}
