package dev.adit.functions.auth;

import dev.adit.events.table.Keys;
import dev.adit.functions.errors.ApiException;
import dev.adit.functions.keys.ApiKeyItem;
import dev.adit.functions.keys.ApiKeys;
import dev.adit.functions.orgs.MemberItem;
import dev.adit.functions.orgs.OrgItem;
import dev.adit.functions.platform.Dynamo;
import dev.adit.functions.platform.Ids;
import dev.adit.functions.platform.Times;
import dev.adit.functions.ratelimit.RateDecision;
import dev.adit.functions.ratelimit.RateLimiter;
import dev.adit.functions.ratelimit.RateLimits;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import dev.adit.functions.orgs.Memberships;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Signup, login, logout and the caller's profile. */
public final class AccountService {
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");
    static final int MIN_PASSWORD = 8;
    static final int MAX_PASSWORD = 128;

    /** @param loginKeyLifetime how long a key issued by login works; keys made with POST /v1/auth/keys do not expire */
    public record Settings(boolean signupMakesAdmin, String defaultPlan, java.time.Duration loginKeyLifetime) {
    }

    private final Dynamo dynamo;
    private final PasswordHasher passwords;
    private final RateLimiter limiter;
    private final RateLimits limits;
    private final Settings settings;
    private final Memberships memberships;
    private final Clock clock;

    public AccountService(Dynamo dynamo, PasswordHasher passwords, RateLimiter limiter, RateLimits limits,
                          Settings settings, Memberships memberships, Clock clock) {
        this.dynamo = dynamo;
        this.passwords = passwords;
        this.limiter = limiter;
        this.limits = limits;
        this.settings = settings;
        this.memberships = memberships;
        this.clock = clock;
    }

    public AccountViews.Credentials signup(String email, String password, String name, String clientAddress) {
        String address = normalizeEmail(email);
        validatePassword(password);
        RateDecision allowance = limiter.acquire(limits.signups(), clientAddress);
        if (!allowance.allowed()) {
            throw ApiException.rateLimited("Too many signups from this address; try again later",
                    allowance.retryAfterSeconds(clock.instant()), allowance.headers());
        }
        String displayName = Optional.ofNullable(name).map(String::strip).orElse("");
        if (displayName.isEmpty() || displayName.length() > 100) {
            throw ApiException.invalid("name", "name is required and may be at most 100 characters");
        }
        long now = clock.millis();
        String userId = "user_" + Ids.base62(16);
        String orgId = "org_" + Ids.base62(16);
        Role role = settings.signupMakesAdmin() ? Role.OWNER : Role.MEMBER;

        UserItem user = new UserItem();
        user.setPk("USER#" + userId);
        user.setSk("PROFILE");
        user.setId(userId);
        user.setEmail(address);
        user.setName(displayName);
        user.setPasswordHash(passwords.hash(password));
        user.setOrganizationId(orgId);
        user.setPlan(settings.defaultPlan());
        user.setCreatedAt(now);

        EmailItem emailItem = new EmailItem();
        emailItem.setPk(emailPk(address));
        emailItem.setSk("EMAIL");
        emailItem.setUserId(userId);

        OrgItem org = new OrgItem();
        org.setPk(Keys.orgPk(orgId));
        org.setSk(Keys.ORG_SK);
        org.setId(orgId);
        org.setName(displayName + "'s organization");
        org.setPlan(settings.defaultPlan());
        org.setCreatedAt(now);
        org.setTunnelsCreated(0L);
        org.setRequestsServed(0L);
        org.setBytesTransferred(0L);
        org.setOwners(role == Role.OWNER ? 1L : 0L);

        MemberItem member = dev.adit.functions.orgs.Organizations.member(orgId, userId, role, now);
        ApiKeys.NewKey key = ApiKeys.generate(userId, orgId, "Signup key", role.scopes(), now);

        try {
            dynamo.client().transactWriteItems(r -> r.transactItems(
                    put(dynamo.attributes(emailItem, EmailItem.class), "attribute_not_exists(pk)"),
                    put(dynamo.attributes(user, UserItem.class), "attribute_not_exists(pk)"),
                    put(dynamo.attributes(org, OrgItem.class), "attribute_not_exists(pk)"),
                    put(dynamo.attributes(member, MemberItem.class), "attribute_not_exists(pk)"),
                    put(dynamo.attributes(key.item(), ApiKeyItem.class), "attribute_not_exists(pk)")));
        } catch (TransactionCanceledException e) {
            if (Dynamo.conditionFailed(e, 0)) {
                throw ApiException.conflict("email_taken", "An account with this email address already exists");
            }
            throw e;
        }
        return new AccountViews.Credentials(key.plaintext(), summary(user));
    }

    public AccountViews.Credentials login(String email, String password, String clientAddress) {
        return login(email, password, Optional.empty(), clientAddress);
    }

    /**
     * A new login key for one of the user's organizations: the one asked for, or else the user's
     * first (their own, unless they have left it).
     */
    public AccountViews.Credentials login(String email, String password, Optional<String> organizationId, String clientAddress) {
        UserItem u = verifyCredentials(email, password, clientAddress);
        List<Memberships.Membership> memberships = this.memberships.of(u.getId());
        Memberships.Membership membership = organizationId
                .map(wanted -> memberships.stream().filter(m -> m.organizationId().equals(wanted)).findFirst()
                        .orElseThrow(() -> ApiException.notFound("organization")))
                .or(() -> memberships.stream().filter(m -> m.organizationId().equals(u.getOrganizationId())).findFirst())
                .or(() -> memberships.stream().findFirst())
                .orElseThrow(() -> new ApiException(403, "no_organization",
                        "This user belongs to no organization; accept an invitation or create one"));
        ApiKeys.NewKey key = ApiKeys.generate(u.getId(), membership.organizationId(), "Login key", membership.role().scopes(), clock.millis());
        key.item().setExpiresAt(clock.instant().plus(settings.loginKeyLifetime()).getEpochSecond());
        dynamo.table(ApiKeyItem.class).putItem(key.item());
        return new AccountViews.Credentials(key.plaintext(), summary(u));
    }

    /**
     * Checks an email and password, within the login rate limits; the same work (and time) whether
     * or not the account exists. Used by login and by the OAuth sign-in page.
     */
    public UserItem verifyCredentials(String email, String password, String clientAddress) {
        String address = normalizeEmail(email);
        if (password == null || password.isEmpty()) {
            throw ApiException.invalid("password", "password is required");
        }
        for (var limit : java.util.List.of(
                java.util.Map.entry(limits.loginAttempts(), address + "|" + clientAddress),
                java.util.Map.entry(limits.loginAttemptsPerAccount(), address))) {
            RateDecision decision = limiter.acquire(limit.getKey(), limit.getValue());
            if (!decision.allowed()) {
                throw ApiException.rateLimited("Too many login attempts for this account; try again later",
                        decision.retryAfterSeconds(clock.instant()), decision.headers());
            }
        }
        EmailItem emailItem = dynamo.table(EmailItem.class).getItem(r -> r.key(key(emailPk(address), "EMAIL")).consistentRead(true));
        Optional<UserItem> user = Optional.ofNullable(emailItem)
                .map(e -> dynamo.table(UserItem.class).getItem(r -> r.key(key("USER#" + e.getUserId(), "PROFILE")).consistentRead(true)));
        boolean ok = user.isPresent()
                ? passwords.verify(password, user.get().getPasswordHash())
                : passwords.verifyAgainstDecoy(password);
        if (!ok) {
            throw new ApiException(401, "invalid_credentials", "Email or password is incorrect");
        }
        return user.get();
    }

    public Optional<UserItem> user(String userId) {
        return Optional.ofNullable(dynamo.table(UserItem.class).getItem(r -> r.key(key("USER#" + userId, "PROFILE")).consistentRead(true)));
    }

    /** Revokes the key the caller authenticated with. */
    public void logout(Caller caller) {
        dynamo.client().deleteItem(r -> r.tableName(dynamo.tableName()).key(Dynamo.key(caller.credentialHash(), "KEY")));
    }

    public AccountViews.Profile profile(Caller caller) {
        UserItem user = dynamo.table(UserItem.class).getItem(r -> r.key(key("USER#" + caller.userId(), "PROFILE")));
        OrgItem org = dynamo.table(OrgItem.class).getItem(r -> r.key(key(Keys.orgPk(caller.organizationId()), Keys.ORG_SK)));
        MemberItem member = dynamo.table(MemberItem.class)
                .getItem(r -> r.key(key(Keys.orgPk(caller.organizationId()), "MEMBER#" + caller.userId())));
        if (user == null || org == null) {
            throw ApiException.unauthorized("The account behind this API key no longer exists");
        }
        long bytes = orZero(org.getBytesTransferred());
        var usage = new AccountViews.Usage(orZero(org.getTunnelsCreated()), AccountViews.humanBytes(bytes), bytes, orZero(org.getRequestsServed()));
        var organization = new AccountViews.OrganizationSummary(org.getId(), org.getName(),
                Optional.ofNullable(member).map(MemberItem::getRole).orElse(Role.MEMBER.wireName()));
        return new AccountViews.Profile(user.getId(), user.getEmail(), user.getName(), user.getPlan(),
                Times.iso(user.getCreatedAt()), organization, usage);
    }

    private static AccountViews.UserSummary summary(UserItem user) {
        return new AccountViews.UserSummary(user.getId(), user.getEmail(), user.getName(), user.getPlan(), Times.iso(user.getCreatedAt()));
    }

    public static String normalizeEmail(String email) {
        String address = Optional.ofNullable(email).map(e -> e.strip().toLowerCase(Locale.ROOT)).orElse("");
        if (address.isEmpty()) {
            throw ApiException.invalid("email", "email is required");
        }
        if (address.length() > 254 || !EMAIL.matcher(address).matches()) {
            throw ApiException.invalid("email", "email is not a valid email address");
        }
        return address;
    }

    private static void validatePassword(String password) {
        if (password == null || password.isBlank() || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            throw ApiException.invalid("password", "password must be " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters long");
        }
    }

    public static String emailPk(String address) {
        return "EMAIL#" + address;
    }

    private static Key key(String pk, String sk) {
        return Key.builder().partitionValue(pk).sortValue(sk).build();
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    private TransactWriteItem put(java.util.Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item, String condition) {
        return TransactWriteItem.builder().put(Put.builder().tableName(dynamo.tableName()).item(item).conditionExpression(condition).build()).build();
    }
}
