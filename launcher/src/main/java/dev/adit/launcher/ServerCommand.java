package dev.adit.launcher;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code adit server}: DynamoDB Local, the control API and an edge in this process, until Ctrl-C. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the local stack: DynamoDB Local (embedded), the control API and an edge.")
final class ServerCommand implements Callable<Integer> {
    @Mixin
    StackOptions stack;

    @Override
    public Integer call() throws Exception {
        var started = LocalStack.startOrExplain(stack.settings(), "server");
        if (started.isEmpty()) {
            return 1;
        }
        LocalStack running = started.get();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping Adit...");
            running.close();
            stopped.countDown();
        }, "adit-shutdown"));
        System.out.println(running.describe());
        stopped.await();
        return 0;
    }
}
