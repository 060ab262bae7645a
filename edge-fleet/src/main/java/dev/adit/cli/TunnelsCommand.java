package dev.adit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code adit tunnels list | delete NAME | restore NAME}, with {@code --json} for scripts. */
@Command(name = "tunnels", mixinStandardHelpOptions = true, description = "List, delete and restore your tunnels.",
        subcommands = {TunnelsCommand.ListTunnels.class, TunnelsCommand.DeleteTunnel.class, TunnelsCommand.RestoreTunnel.class})
public final class TunnelsCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void run() {
        System.out.println("Usage: adit tunnels (list | delete NAME | restore NAME) [--json]");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Your organization's tunnels.")
    static final class ListTunnels implements Runnable {
        @Mixin
        ApiOptions options;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            ControlApi api = options.authenticatedApi();
            ArrayNode all = JSON.createArrayNode();
            String cursor = null;
            do {
                JsonNode page = api.get("/v1/tunnels?limit=100" + (cursor == null ? "" : "&cursor=" + cursor));
                page.path("tunnels").forEach(all::add);
                cursor = page.path("next_cursor").isTextual() ? page.get("next_cursor").asText() : null;
            } while (cursor != null);
            if (json) {
                System.out.println(all.toPrettyString());
                return;
            }
            if (all.isEmpty()) {
                System.out.println("No tunnels yet. Expose a port with `adit 3000 --subdomain NAME`.");
                return;
            }
            System.out.printf("%-30s %-15s %-10s %s%n", "NAME", "STATUS", "CONNECTED", "URL");
            for (JsonNode t : all) {
                System.out.printf("%-30s %-15s %-10s %s%n", t.path("tunnel_name").asText(), t.path("status").asText(),
                        t.path("currently_connected").asBoolean() ? "yes" : "no", t.path("url").asText());
            }
        }
    }

    /** What delete and restore share: find the caller's tunnel by name, act on it, print the answer. */
    abstract static class TunnelAction implements Runnable {
        @Mixin
        ApiOptions options;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            if (name.isBlank()) {
                throw new CliException("NAME is empty: give the name of one of your tunnels (`adit tunnels list` shows them)");
            }
            ControlApi api = options.authenticatedApi();
            JsonNode tunnel = api.tunnelNamed(name).orElseThrow(() -> new CliException("not_found", 4004, notFound()));
            JsonNode answer = act(api, "/v1/tunnels/" + tunnel.get("id").asText());
            System.out.println(json ? answer.toPrettyString() : describe(answer));
        }

        abstract JsonNode act(ControlApi api, String tunnelPath);

        abstract String describe(JsonNode answer);

        abstract String notFound();
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a tunnel: traffic stops now; it can be restored for 24 hours.")
    static final class DeleteTunnel extends TunnelAction {
        @Override
        JsonNode act(ControlApi api, String tunnelPath) {
            return api.delete(tunnelPath);
        }

        @Override
        String describe(JsonNode deleted) {
            return "Tunnel " + name + " deleted. Restore it before " + deleted.path("restore_deadline_at").asText()
                    + " with `adit tunnels restore " + name + "`.";
        }

        @Override
        String notFound() {
            return "you have no tunnel named " + name;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true, description = "Undo a delete within its restore window.")
    static final class RestoreTunnel extends TunnelAction {
        @Override
        JsonNode act(ControlApi api, String tunnelPath) {
            return api.post(tunnelPath + "/restore", null);
        }

        @Override
        String describe(JsonNode restored) {
            return "Tunnel " + name + " restored: " + restored.path("status").asText() + ", " + restored.path("url").asText();
        }

        @Override
        String notFound() {
            return "you have no tunnel named " + name + " that can still be restored";
        }
    }
}
