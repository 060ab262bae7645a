package dev.adit.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code adit} command: one entry point for the local stack, the edge and the agent. */
@Command(name = "adit", mixinStandardHelpOptions = true, version = "adit 0.1.0",
        description = "Adit: expose a local port to the world through a tunnel.",
        subcommands = {ServerCommand.class})
public final class Adit implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Adit()).execute(args));
    }
}
