package dev.adit.functions.api;

import dev.adit.functions.auth.Caller;
import dev.adit.functions.auth.Scopes;
import dev.adit.functions.orgs.Organizations;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Organizations, members and invitations. A credential acts for one organization: the
 * {@code {orgId}} of every path must be that one (any other is 404).
 */
@Controller("/v1")
@Tag(name = "organizations")
@SecurityRequirement(name = "bearer")
public class OrgsController {
    private final Organizations orgs;
    private final Guard guard;

    public OrgsController(Organizations orgs, Guard guard) {
        this.orgs = orgs;
        this.guard = guard;
    }

    @Get("/orgs")
    @Operation(summary = "The organizations the calling user belongs to, with their role; 'current' marks the one this credential acts for")
    public Map<String, List<Organizations.MembershipView>> mine(HttpRequest<?> request) {
        return Map.of("organizations", orgs.mine(guard.enter(request, Scopes.ACCOUNT_READ, Guard.Bucket.READ)));
    }

    @Post("/orgs")
    @ApiResponse(responseCode = "201", description = "the new organization; the caller is its owner",
            content = @Content(schema = @Schema(implementation = Organizations.OrgView.class)))
    @Operation(summary = "Create an organization owned by the calling user")
    public HttpResponse<Organizations.OrgView> create(HttpRequest<?> request, @Nullable @Body Requests.CreateOrg body) {
        Caller caller = guard.enter(request, Scopes.ACCOUNT_WRITE, Guard.Bucket.WRITE);
        return HttpResponse.created(orgs.create(caller, Optional.ofNullable(body).map(Requests.CreateOrg::name).orElse(null)));
    }

    @Get("/orgs/{orgId}")
    @Operation(summary = "The organization this credential acts for")
    public Organizations.OrgView get(HttpRequest<?> request, @PathVariable String orgId) {
        return orgs.get(guard.enter(request, Scopes.ACCOUNT_READ, Guard.Bucket.READ), orgId);
    }

    @Patch("/orgs/{orgId}")
    @Operation(summary = "Rename the organization (org:manage)")
    public Organizations.OrgView rename(HttpRequest<?> request, @PathVariable String orgId, @Nullable @Body Requests.RenameOrg body) {
        Caller caller = guard.enter(request, Scopes.ORG_MANAGE, Guard.Bucket.WRITE);
        return orgs.rename(caller, orgId, Optional.ofNullable(body).map(Requests.RenameOrg::name).orElse(null));
    }

    @Get("/orgs/{orgId}/members")
    @Operation(summary = "The organization's members and their roles")
    public Map<String, List<Organizations.MemberView>> members(HttpRequest<?> request, @PathVariable String orgId) {
        return Map.of("members", orgs.members(guard.enter(request, Scopes.ACCOUNT_READ, Guard.Bucket.READ), orgId));
    }

    @Patch("/orgs/{orgId}/members/{userId}")
    @Operation(summary = "Change a member's role (users:manage; only owners make or unmake owners; the last owner stays)")
    public Organizations.MemberView changeRole(HttpRequest<?> request, @PathVariable String orgId, @PathVariable String userId,
                                               @Nullable @Body Requests.ChangeRole body) {
        Caller caller = guard.enter(request, Scopes.USERS_MANAGE, Guard.Bucket.WRITE);
        return orgs.changeRole(caller, orgId, userId, Optional.ofNullable(body).map(Requests.ChangeRole::role).orElse(null));
    }

    @Delete("/orgs/{orgId}/members/{userId}")
    @ApiResponse(responseCode = "204", description = "removed; their keys and tokens for this organization stop working")
    @Operation(summary = "Remove a member (users:manage), or leave (your own user id)")
    public HttpResponse<Void> remove(HttpRequest<?> request, @PathVariable String orgId, @PathVariable String userId) {
        Caller caller = guard.enter(request, Optional.empty(), Guard.Bucket.WRITE);
        orgs.remove(caller, orgId, userId);
        return HttpResponse.noContent();
    }

    @Post("/orgs/{orgId}/invitations")
    @ApiResponse(responseCode = "201", description = "the invitation with its one-time token (shown once)",
            content = @Content(schema = @Schema(implementation = Organizations.CreatedInvitation.class)))
    @Operation(summary = "Invite someone by email (users:manage); send them the token")
    public HttpResponse<Organizations.CreatedInvitation> invite(HttpRequest<?> request, @PathVariable String orgId,
                                                                @Nullable @Body Requests.Invite body) {
        Caller caller = guard.enter(request, Scopes.USERS_MANAGE, Guard.Bucket.WRITE);
        Requests.Invite req = Optional.ofNullable(body).orElse(new Requests.Invite(null, null));
        return HttpResponse.status(HttpStatus.CREATED).body(orgs.invite(caller, orgId, req.email(), req.role()));
    }

    @Get("/orgs/{orgId}/invitations")
    @Operation(summary = "Pending invitations (users:manage)")
    public Map<String, List<Organizations.InvitationView>> invitations(HttpRequest<?> request, @PathVariable String orgId) {
        return Map.of("invitations", orgs.invitations(guard.enter(request, Scopes.USERS_MANAGE, Guard.Bucket.READ), orgId));
    }

    @Delete("/orgs/{orgId}/invitations/{invitationId}")
    @ApiResponse(responseCode = "204", description = "revoked")
    @Operation(summary = "Revoke a pending invitation (users:manage)")
    public HttpResponse<Void> revokeInvitation(HttpRequest<?> request, @PathVariable String orgId, @PathVariable String invitationId) {
        orgs.revokeInvitation(guard.enter(request, Scopes.USERS_MANAGE, Guard.Bucket.WRITE), orgId, invitationId);
        return HttpResponse.noContent();
    }

    @Post("/invitations/accept")
    @Operation(summary = "Accept an invitation sent to the calling user's email; then log in with organization_id to act there")
    public Organizations.Accepted accept(HttpRequest<?> request, @Nullable @Body Requests.AcceptInvitation body) {
        Caller caller = guard.enter(request, Scopes.ACCOUNT_WRITE, Guard.Bucket.WRITE);
        return orgs.accept(caller, Optional.ofNullable(body).map(Requests.AcceptInvitation::token).orElse(null));
    }
}
