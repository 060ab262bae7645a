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

    static int run(String[] args) {
        // `adit 3000 ...` is the agent; everything else is a subcommand
        boolean expose = args.length > 0 && args[0].matches("\\d+");
        CommandLine commandLine = new CommandLine(expose ? new ExposeCommand() : new Adit());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CliException) {
                cmd.getErr().println("adit: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return commandLine.execute(args);
    }
}
