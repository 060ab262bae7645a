package dev.adit.functions.orgs;

import dev.adit.events.table.AditTable;
import dev.adit.events.table.Keys;
import dev.adit.functions.auth.Role;
import dev.adit.functions.platform.Dynamo;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Who belongs to which organization, in what role: read side, shared by sign-in, consent and the org API. */
public final class Memberships {
    /** One of a user's organizations. */
    public record Membership(String organizationId, String organizationName, Role role, long joinedAt) {
    }

    private static final int MAX_ORGS_PER_USER_LISTED = 100;

    private final Dynamo dynamo;

    public Memberships(Dynamo dynamo) {
        this.dynamo = dynamo;
    }

    public static String sk(String userId) {
        return "MEMBER#" + userId;
    }

    public static String userOrgsGsi(String userId) {
        return "USER#" + userId + "#ORGS";
    }

    public Optional<Role> role(String organizationId, String userId) {
        return Optional.ofNullable(dynamo.table(MemberItem.class).getItem(r -> r
                        .key(Key.builder().partitionValue(Keys.orgPk(organizationId)).sortValue(sk(userId)).build()).consistentRead(true)))
                .flatMap(m -> Role.fromWire(m.getRole()));
    }

    /** The user's organizations, oldest membership first, with names. */
    public List<Membership> of(String userId) {
        List<MemberItem> members = new ArrayList<>();
        dynamo.table(MemberItem.class).index(AditTable.GSI1)
                .query(r -> r.queryConditional(QueryConditional.keyEqualTo(Key.builder().partitionValue(userOrgsGsi(userId)).build()))
                        .limit(MAX_ORGS_PER_USER_LISTED))
                .stream().limit(1).forEach(p -> members.addAll(p.items()));
        Map<String, String> names = names(members.stream().map(MemberItem::getOrganizationId).toList());
        return members.stream()
                .map(m -> new Membership(m.getOrganizationId(), names.getOrDefault(m.getOrganizationId(), m.getOrganizationId()),
                        Role.fromWire(m.getRole()).orElse(Role.MEMBER), m.getJoinedAt() == null ? 0 : m.getJoinedAt()))
                .sorted(Comparator.comparingLong(Membership::joinedAt))
                .toList();
    }

    private Map<String, String> names(List<String> organizationIds) {
        Map<String, String> out = new HashMap<>();
        dynamo.batchGet(organizationIds.stream().distinct().map(id -> Dynamo.key(Keys.orgPk(id), Keys.ORG_SK)).toList(), false)
                .forEach(item -> out.put(item.get("id").s(), item.get("name").s()));
        return out;
    }
}
