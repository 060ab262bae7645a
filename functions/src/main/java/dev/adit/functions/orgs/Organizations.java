package dev.adit.functions.orgs;

import dev.adit.events.secrets.SecretHashes;
import dev.adit.events.table.AditTable;
import dev.adit.events.table.Keys;
import dev.adit.functions.auth.AccountService;
import dev.adit.functions.auth.Caller;
import dev.adit.functions.auth.EmailItem;
import dev.adit.functions.auth.Role;
import dev.adit.functions.auth.Scopes;
import dev.adit.functions.auth.UserItem;
import dev.adit.functions.errors.ApiException;
import dev.adit.functions.platform.Dynamo;
import dev.adit.functions.platform.Ids;
import dev.adit.functions.platform.Times;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Organizations, their members and invitations. A caller acts for one organization (the one its
 * key or token was issued for); any other organization's id is a 404. An organization always keeps
 * at least one owner: the {@code owners} counter on the organization item is changed in the same
 * transaction as the membership, on the condition that it stays above zero.
 */
public final class Organizations {
    public record OrgView(String id, String name, String plan, String createdAt, String yourRole) {
    }

    public record MembershipView(String id, String name, String role, String joinedAt, boolean current) {
    }

    public record MemberView(String userId, String email, String name, String role, String joinedAt) {
    }

    public record InvitationView(String id, String email, String role, String invitedBy, String createdAt, String expiresAt) {
    }

    public record CreatedInvitation(String id, String organizationId, String email, String role, String token, String expiresAt) {
        @Override
        public String toString() {
            return "CreatedInvitation[id=" + id + "]";
        }
    }

    public record Accepted(OrgView organization, String role, String joinedAt) {
    }

    private static final String INVITE_SK = "INVITE";
    private static final String TOKEN_PREFIX = "aiv_";
    private static final int TOKEN_CHARS = 40;
    private static final int MAX_LISTED = 500;

    private final Dynamo dynamo;
    private final Memberships memberships;
    private final Duration invitationLifetime;
    private final Clock clock;

    public Organizations(Dynamo dynamo, Memberships memberships, Duration invitationLifetime, Clock clock) {
        this.dynamo = dynamo;
        this.memberships = memberships;
        this.invitationLifetime = invitationLifetime;
        this.clock = clock;
    }

    public List<MembershipView> mine(Caller caller) {
        return memberships.of(caller.userId()).stream()
                .map(m -> new MembershipView(m.organizationId(), m.organizationName(), m.role().wireName(), Times.iso(m.joinedAt()),
                        m.organizationId().equals(caller.organizationId())))
                .toList();
    }

    /** A new organization with the caller as its one owner. */
    public OrgView create(Caller caller, String name) {
        String orgName = validName(name);
        long now = clock.millis();
        String orgId = "org_" + Ids.base62(16);
        OrgItem org = new OrgItem();
        org.setPk(Keys.orgPk(orgId));
        org.setSk(Keys.ORG_SK);
        org.setId(orgId);
        org.setName(orgName);
        OrgItem current = readOrg(caller.organizationId()).orElse(null);
        org.setPlan(current == null ? "free" : current.getPlan());
        org.setCreatedAt(now);
        org.setTunnelsCreated(0L);
        org.setRequestsServed(0L);
        org.setBytesTransferred(0L);
        org.setOwners(1L);
        MemberItem member = member(orgId, caller.userId(), Role.OWNER, now);
        dynamo.client().transactWriteItems(r -> r.transactItems(
                put(dynamo.attributes(org, OrgItem.class)), put(dynamo.attributes(member, MemberItem.class))));
        return new OrgView(orgId, orgName, org.getPlan(), Times.iso(now), Role.OWNER.wireName());
    }

    public OrgView get(Caller caller, String orgId) {
        OrgItem org = ownOrg(caller, orgId);
        return new OrgView(org.getId(), org.getName(), org.getPlan(), Times.iso(org.getCreatedAt()), caller.role().wireName());
    }

    public OrgView rename(Caller caller, String orgId, String name) {
        ownOrg(caller, orgId);
        String orgName = validName(name);
        dynamo.client().updateItem(r -> r.tableName(dynamo.tableName()).key(Dynamo.key(Keys.orgPk(orgId), Keys.ORG_SK))
                .updateExpression("SET #n = :n").conditionExpression("attribute_exists(pk)")
                .expressionAttributeNames(Map.of("#n", "name")).expressionAttributeValues(Map.of(":n", Dynamo.s(orgName))));
        return get(caller, orgId);
    }

    public List<MemberView> members(Caller caller, String orgId) {
        ownOrg(caller, orgId);
        List<MemberItem> items = new ArrayList<>();
        dynamo.table(MemberItem.class).query(r -> r.queryConditional(QueryConditional.sortBeginsWith(
                        Key.builder().partitionValue(Keys.orgPk(orgId)).sortValue("MEMBER#").build())).consistentRead(true).limit(MAX_LISTED))
                .stream().limit(1).forEach(p -> items.addAll(p.items()));
        Map<String, UserItem> users = users(items.stream().map(MemberItem::getUserId).toList());
        return items.stream().map(m -> view(m, users.get(m.getUserId())))
                .sorted(Comparator.comparing(MemberView::joinedAt)).toList();
    }

    public MemberView changeRole(Caller caller, String orgId, String userId, String roleName) {
        ownOrg(caller, orgId);
        requireScope(caller, Scopes.USERS_MANAGE);
        Role wanted = parseRole(roleName);
        MemberItem target = member(orgId, userId).orElseThrow(() -> ApiException.notFound("member"));
        Role current = Role.fromWire(target.getRole()).orElse(Role.MEMBER);
        if ((current == Role.OWNER || wanted == Role.OWNER) && caller.role() != Role.OWNER) {
            throw ownerOnly("Only an owner can make or unmake an owner");
        }
        if (current != wanted) {
            List<TransactWriteItem> writes = new ArrayList<>();
            writes.add(TransactWriteItem.builder().update(u -> u.tableName(dynamo.tableName())
                    .key(Dynamo.key(target.getPk(), target.getSk()))
                    .updateExpression("SET #r = :wanted").conditionExpression("#r = :current")
                    .expressionAttributeNames(Map.of("#r", "role"))
                    .expressionAttributeValues(Map.of(":wanted", Dynamo.s(wanted.wireName()), ":current", Dynamo.s(current.wireName())))).build());
            if (current == Role.OWNER) {
                writes.add(ownersChange(orgId, -1));
            } else if (wanted == Role.OWNER) {
                writes.add(ownersChange(orgId, +1));
            }
            transact(writes, "member");
        }
        target.setRole(wanted.wireName());
        return view(target, users(List.of(userId)).get(userId));
    }

    /** Removes a member; any member may remove themselves (leave). */
    public void remove(Caller caller, String orgId, String userId) {
        ownOrg(caller, orgId);
        boolean self = caller.userId().equals(userId);
        if (!self) {
            requireScope(caller, Scopes.USERS_MANAGE);
        }
        MemberItem target = member(orgId, userId).orElseThrow(() -> ApiException.notFound("member"));
        Role current = Role.fromWire(target.getRole()).orElse(Role.MEMBER);
        if (!self && current == Role.OWNER && caller.role() != Role.OWNER) {
            throw ownerOnly("Only an owner can remove an owner");
        }
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().delete(d -> d.tableName(dynamo.tableName())
                .key(Dynamo.key(target.getPk(), target.getSk()))
                .conditionExpression("#r = :current").expressionAttributeNames(Map.of("#r", "role"))
                .expressionAttributeValues(Map.of(":current", Dynamo.s(current.wireName())))).build());
        if (current == Role.OWNER) {
            writes.add(ownersChange(orgId, -1));
        }
        transact(writes, "member");
    }

    public CreatedInvitation invite(Caller caller, String orgId, String email, String roleName) {
        ownOrg(caller, orgId);
        requireScope(caller, Scopes.USERS_MANAGE);
        String address = AccountService.normalizeEmail(email);
        Role role = roleName == null ? Role.MEMBER : parseRole(roleName);
        if (role == Role.OWNER && caller.role() != Role.OWNER) {
            throw ownerOnly("Only an owner can invite an owner");
        }
        Optional<String> existingUser = Optional.ofNullable(dynamo.table(EmailItem.class).getItem(r -> r
                .key(Key.builder().partitionValue(AccountService.emailPk(address)).sortValue("EMAIL").build()).consistentRead(true)))
                .map(EmailItem::getUserId);
        if (existingUser.flatMap(u -> member(orgId, u)).isPresent()) {
            throw ApiException.conflict("already_member", address + " is already a member of this organization");
        }
        String token = TOKEN_PREFIX + Ids.base62(TOKEN_CHARS);
        long now = clock.millis();
        InvitationItem item = new InvitationItem();
        item.setPk(invitePk(token));
        item.setSk(INVITE_SK);
        item.setId("inv_" + Ids.base62(16));
        item.setGsi1pk(invitesGsi(orgId));
        item.setGsi1sk("INVITE#" + item.getId());
        item.setOrganizationId(orgId);
        item.setEmail(address);
        item.setRole(role.wireName());
        item.setInvitedBy(caller.userId());
        item.setCreatedAt(now);
        item.setExpiresAt((now + invitationLifetime.toMillis()) / 1000);
        dynamo.client().putItem(r -> r.tableName(dynamo.tableName()).item(dynamo.attributes(item, InvitationItem.class))
                .conditionExpression("attribute_not_exists(pk)"));
        return new CreatedInvitation(item.getId(), orgId, address, role.wireName(), token, Times.iso(item.getExpiresAt() * 1000));
    }

    public List<InvitationView> invitations(Caller caller, String orgId) {
        ownOrg(caller, orgId);
        requireScope(caller, Scopes.USERS_MANAGE);
        long nowSeconds = clock.instant().getEpochSecond();
        List<InvitationView> out = new ArrayList<>();
        dynamo.table(InvitationItem.class).index(AditTable.GSI1)
                .query(r -> r.queryConditional(QueryConditional.keyEqualTo(Key.builder().partitionValue(invitesGsi(orgId)).build())).limit(MAX_LISTED))
                .stream().limit(1).forEach(p -> p.items().stream().filter(i -> i.getExpiresAt() > nowSeconds).forEach(i -> out.add(view(i))));
        out.sort(Comparator.comparing(InvitationView::createdAt));
        return out;
    }

    public void revokeInvitation(Caller caller, String orgId, String invitationId) {
        ownOrg(caller, orgId);
        requireScope(caller, Scopes.USERS_MANAGE);
        if (invitationId == null || !invitationId.startsWith("inv_") || invitationId.length() > 40) {
            throw ApiException.notFound("invitation");
        }
        InvitationItem item = dynamo.table(InvitationItem.class).index(AditTable.GSI1)
                .query(r -> r.queryConditional(QueryConditional.keyEqualTo(Key.builder()
                        .partitionValue(invitesGsi(orgId)).sortValue("INVITE#" + invitationId).build())))
                .stream().flatMap(p -> p.items().stream()).findFirst()
                .orElseThrow(() -> ApiException.notFound("invitation"));
        dynamo.client().deleteItem(r -> r.tableName(dynamo.tableName()).key(Dynamo.key(item.getPk(), item.getSk())));
    }

    /** Joins the organization an invitation is for; the invitation must be for the caller's own email. */
    public Accepted accept(Caller caller, String token) {
        if (token == null || !token.startsWith(TOKEN_PREFIX) || token.length() != TOKEN_PREFIX.length() + TOKEN_CHARS) {
            throw ApiException.invalid("token", "token must be the invitation token (aiv_...) from the invitation");
        }
        long now = clock.millis();
        InvitationItem invite = Optional.ofNullable(dynamo.table(InvitationItem.class).getItem(r -> r
                        .key(Key.builder().partitionValue(invitePk(token)).sortValue(INVITE_SK).build()).consistentRead(true)))
                .filter(i -> i.getExpiresAt() > now / 1000)
                .orElseThrow(() -> ApiException.notFound("invitation"));
        UserItem user = users(List.of(caller.userId())).get(caller.userId());
        if (user == null || !invite.getEmail().equals(user.getEmail())) {
            throw new ApiException(403, "invitation_for_another_email", "This invitation was sent to another email address");
        }
        Role role = Role.fromWire(invite.getRole()).orElse(Role.MEMBER);
        MemberItem member = member(invite.getOrganizationId(), caller.userId(), role, now);
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().delete(d -> d.tableName(dynamo.tableName())
                .key(Dynamo.key(invite.getPk(), invite.getSk()))
                .conditionExpression("attribute_exists(pk) AND expires_at > :now")
                .expressionAttributeValues(Map.of(":now", Dynamo.n(now / 1000)))).build());
        writes.add(put(dynamo.attributes(member, MemberItem.class)));
        if (role == Role.OWNER) {
            writes.add(TransactWriteItem.builder().update(u -> u.tableName(dynamo.tableName())
                    .key(Dynamo.key(Keys.orgPk(invite.getOrganizationId()), Keys.ORG_SK))
                    .updateExpression("ADD owners :one").conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(Map.of(":one", Dynamo.n(1)))).build());
        }
        try {
            dynamo.client().transactWriteItems(r -> r.transactItems(writes));
        } catch (TransactionCanceledException e) {
            if (Dynamo.conditionFailed(e, 1)) {
                throw ApiException.conflict("already_member", "You are already a member of this organization");
            }
            if (Dynamo.conditionFailed(e, 0)) {
                throw ApiException.notFound("invitation");
            }
            throw e;
        }
        OrgItem org = readOrg(invite.getOrganizationId()).orElseThrow(() -> ApiException.notFound("organization"));
        return new Accepted(new OrgView(org.getId(), org.getName(), org.getPlan(), Times.iso(org.getCreatedAt()), role.wireName()),
                role.wireName(), Times.iso(now));
    }

    public static MemberItem member(String orgId, String userId, Role role, long now) {
        MemberItem member = new MemberItem();
        member.setPk(Keys.orgPk(orgId));
        member.setSk(Memberships.sk(userId));
        member.setGsi1pk(Memberships.userOrgsGsi(userId));
        member.setGsi1sk("ORG#" + orgId);
        member.setOrganizationId(orgId);
        member.setUserId(userId);
        member.setRole(role.wireName());
        member.setJoinedAt(now);
        return member;
    }

    private Optional<MemberItem> member(String orgId, String userId) {
        if (userId == null || userId.length() > 64) {
            return Optional.empty();
        }
        return Optional.ofNullable(dynamo.table(MemberItem.class).getItem(r -> r
                .key(Key.builder().partitionValue(Keys.orgPk(orgId)).sortValue(Memberships.sk(userId)).build()).consistentRead(true)));
    }

    /** The caller's own organization; any other id is "not found", never "forbidden". */
    private OrgItem ownOrg(Caller caller, String orgId) {
        if (!caller.organizationId().equals(orgId)) {
            throw ApiException.notFound("organization");
        }
        return readOrg(orgId).orElseThrow(() -> ApiException.notFound("organization"));
    }

    private Optional<OrgItem> readOrg(String orgId) {
        return Optional.ofNullable(dynamo.table(OrgItem.class).getItem(r -> r
                .key(Key.builder().partitionValue(Keys.orgPk(orgId)).sortValue(Keys.ORG_SK).build()).consistentRead(true)));
    }

    private Map<String, UserItem> users(List<String> userIds) {
        Map<String, UserItem> out = new HashMap<>();
        dynamo.batchGet(userIds.stream().distinct().map(id -> Dynamo.key("USER#" + id, "PROFILE")).toList(), false)
                .forEach(item -> {
                    UserItem u = dynamo.item(item, UserItem.class);
                    out.put(u.getId(), u);
                });
        return out;
    }

    private TransactWriteItem ownersChange(String orgId, int delta) {
        return TransactWriteItem.builder().update(u -> u.tableName(dynamo.tableName())
                .key(Dynamo.key(Keys.orgPk(orgId), Keys.ORG_SK))
                .updateExpression("ADD owners :delta")
                // an organization never loses its last owner
                .conditionExpression(delta < 0 ? "owners > :one" : "attribute_exists(pk)")
                .expressionAttributeValues(delta < 0 ? Map.of(":delta", Dynamo.n(delta), ":one", Dynamo.n(1)) : Map.of(":delta", Dynamo.n(delta))))
                .build();
    }

    private void transact(List<TransactWriteItem> writes, String what) {
        try {
            dynamo.client().transactWriteItems(r -> r.transactItems(writes));
        } catch (TransactionCanceledException e) {
            if (writes.size() > 1 && Dynamo.conditionFailed(e, 1)) {
                throw ApiException.conflict("last_owner", "An organization must keep at least one owner; make someone else an owner first");
            }
            if (Dynamo.conditionFailed(e, 0)) {
                throw ApiException.conflict("concurrent_change", "The " + what + " was changed by another request; read it again and retry");
            }
            throw e;
        }
    }

    private TransactWriteItem put(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(p -> p.tableName(dynamo.tableName()).item(item)
                .conditionExpression("attribute_not_exists(pk)")).build();
    }

    private static void requireScope(Caller caller, String scope) {
        if (!caller.has(scope)) {
            throw ApiException.forbidden(scope, "Insufficient permissions for this operation: it needs " + scope);
        }
    }

    private static ApiException ownerOnly(String message) {
        return new ApiException(403, "forbidden", message, Map.of("required_role", Role.OWNER.wireName()), Map.of());
    }

    private static Role parseRole(String roleName) {
        return Role.fromWire(roleName).orElseThrow(() -> ApiException.invalid("role", "role must be owner, admin or member"));
    }

    private static String validName(String name) {
        String n = Optional.ofNullable(name).map(String::strip).orElse("");
        if (n.isEmpty() || n.length() > 100) {
            throw ApiException.invalid("name", "name is required and may be at most 100 characters");
        }
        return n;
    }

    private static String invitePk(String token) {
        return "INVITE#" + SecretHashes.sha256Hex(token);
    }

    private static String invitesGsi(String orgId) {
        return "ORG#" + orgId + "#INVITES";
    }

    private static MemberView view(MemberItem m, UserItem user) {
        return new MemberView(m.getUserId(), user == null ? null : user.getEmail(), user == null ? null : user.getName(),
                m.getRole(), Times.iso(m.getJoinedAt() == null ? 0 : m.getJoinedAt()));
    }

    private static InvitationView view(InvitationItem i) {
        return new InvitationView(i.getId(), i.getEmail(), i.getRole(), i.getInvitedBy(), Times.iso(i.getCreatedAt()),
                Times.iso(i.getExpiresAt() * 1000));
    }
}
