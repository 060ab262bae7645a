package dev.adit.launcher;

import dev.adit.cli.AuthCommand;
import dev.adit.cli.CliException;
import dev.adit.cli.EdgeCommand;
import dev.adit.cli.ExposeCommand;
import dev.adit.cli.OrgsCommand;
import dev.adit.cli.TunnelsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code adit} command: one entry point for the local stack, the edge, the CLI and the agent. */
@Command(name = "adit", mixinStandardHelpOptions = true, version = "adit 0.1.0",
        description = {"Adit: expose a local port to the world through a tunnel.", "",
                "  adit PORT [--subdomain NAME]   expose localhost:PORT (see `adit 0 --help`)"},
        subcommands = {ServerCommand.class, DemoCommand.class, EdgeCommand.class, AuthCommand.class, TunnelsCommand.class, OrgsCommand.class})
public final class Adit implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * `adit 3000 ...` is the agent, and so is `adit --subdomain demo 3000`: the root command takes no
     * options but help and version, so options first and a port among the arguments mean the agent.
     * Everything else is a subcommand.
     */
    static boolean isExpose(String[] args) {
        if (args.length == 0) {
            return false;
        }
        if (args[0].matches("\\d+")) {
            return true;
        }
        return args[0].startsWith("-") && !java.util.Set.of("-h", "--help", "-V", "--version").contains(args[0])
                && java.util.Arrays.stream(args).anyMatch(a -> a.matches("\\d+"));
    }

    /**
     * Errors are one line on stderr: {@code adit: MESSAGE}, or with {@code --json} the control API's
     * error body ({@code {"error":...,"message":...,"code":...}}), so that a script reading stdout
     * as JSON gets nothing there and one that reads stderr can branch on {@code error}.
     */
    static int run(String[] args) {
        CommandLine commandLine = new CommandLine(isExpose(args) ? new ExposeCommand() : new Adit());
        CommandLine.IParameterExceptionHandler usage = commandLine.getParameterExceptionHandler();
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            if (!java.util.Arrays.asList(arguments).contains("--json")) {
                return usage.handleParseException(e, arguments);
            }
            e.getCommandLine().getErr().println(CliException.body("usage_error", e.getMessage(), 4000));
            return e.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            boolean json = cmd.getParseResult() != null && cmd.getParseResult().hasMatchedOption("--json");
            if (e instanceof CliException problem) {
                cmd.getErr().println(json ? problem.json() : "adit: " + e.getMessage());
                return 1;
            }
            if (json) {
                cmd.getErr().println(CliException.body("internal_error", "internal error in the CLI: " + e, 5000));
                return 1;
            }
            throw e;
        });
        return commandLine.execute(args);
    }
}
