package dev.adit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code adit orgs list | create NAME | members | invite EMAIL | accept TOKEN}: teams from the terminal. */
@Command(name = "orgs", mixinStandardHelpOptions = true, description = "Your organizations, their members and invitations.",
        subcommands = {OrgsCommand.ListOrgs.class, OrgsCommand.CreateOrg.class, OrgsCommand.Members.class,
                OrgsCommand.Invite.class, OrgsCommand.Accept.class})
public final class OrgsCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("Usage: adit orgs (list | create NAME | members | invite EMAIL [--role ROLE] | accept TOKEN)");
    }

    /** The organization the stored credential acts for. */
    static String current(ControlApi api) {
        return api.get("/v1/auth/user").path("organization").path("id").asText();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The organizations you belong to; * marks the one the CLI acts for.")
    static final class ListOrgs implements Runnable {
        @Mixin
        ApiOptions options;

        @Override
        public void run() {
            JsonNode orgs = options.authenticatedApi().get("/v1/orgs").path("organizations");
            System.out.printf("  %-22s %-8s %s%n", "ID", "ROLE", "NAME");
            for (JsonNode o : orgs) {
                System.out.printf("%s %-22s %-8s %s%n", o.path("current").asBoolean() ? "*" : " ", o.path("id").asText(),
                        o.path("role").asText(), o.path("name").asText());
            }
            System.out.println("Act for another: `adit auth login -e EMAIL --org ID`, or `adit auth login --web` and pick it.");
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an organization that you own.")
    static final class CreateOrg implements Runnable {
        @Mixin
        ApiOptions options;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            JsonNode org = options.authenticatedApi().post("/v1/orgs", ControlApi.body("name", name));
            System.out.println("Created " + org.path("name").asText() + " (" + org.path("id").asText() + "); you are its owner.");
        }
    }

    @Command(name = "members", mixinStandardHelpOptions = true, description = "Members of the organization the CLI acts for.")
    static final class Members implements Runnable {
        @Mixin
        ApiOptions options;

        @Override
        public void run() {
            ControlApi api = options.authenticatedApi();
            JsonNode members = api.get("/v1/orgs/" + current(api) + "/members").path("members");
            System.out.printf("%-8s %-32s %s%n", "ROLE", "EMAIL", "USER ID");
            for (JsonNode m : members) {
                System.out.printf("%-8s %-32s %s%n", m.path("role").asText(), m.path("email").asText(), m.path("user_id").asText());
            }
        }
    }

    @Command(name = "invite", mixinStandardHelpOptions = true, description = "Invite someone by email; prints the one-time token to send them.")
    static final class Invite implements Runnable {
        @Mixin
        ApiOptions options;

        @Parameters(paramLabel = "EMAIL")
        String email;

        @Option(names = "--role", defaultValue = "member", description = "owner, admin or member (default: ${DEFAULT-VALUE}).")
        String role;

        @Override
        public void run() {
            ControlApi api = options.authenticatedApi();
            JsonNode invitation = api.post("/v1/orgs/" + current(api) + "/invitations", ControlApi.body("email", email, "role", role));
            System.out.println("Invited " + invitation.path("email").asText() + " as " + invitation.path("role").asText()
                    + " (until " + invitation.path("expires_at").asText() + "). Send them this token; it is shown once:");
            System.out.println("  " + invitation.path("token").asText());
            System.out.println("They accept with `adit orgs accept TOKEN`.");
        }
    }

    @Command(name = "accept", mixinStandardHelpOptions = true, description = "Accept an invitation sent to your email.")
    static final class Accept implements Runnable {
        @Mixin
        ApiOptions options;

        @Parameters(paramLabel = "TOKEN", description = "The aiv_... token from the invitation.")
        String token;

        @Override
        public void run() {
            JsonNode accepted = options.authenticatedApi().post("/v1/invitations/accept", ControlApi.body("token", token));
            JsonNode org = accepted.path("organization");
            System.out.println("You joined " + org.path("name").asText() + " (" + org.path("id").asText() + ") as "
                    + accepted.path("role").asText() + ".");
            System.out.println("To act there: `adit auth login -e EMAIL --org " + org.path("id").asText() + "`.");
        }
    }
}
