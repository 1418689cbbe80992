package dev.skein.cli;

import java.util.concurrent.CountDownLatch;

/** Keeps a server command alive until the JVM is asked to stop, then closes what it runs. */
final class UntilShutdown {
    private UntilShutdown() {}

    static int await(AutoCloseable running) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.close();
            } catch (Exception e) {
                System.err.println("error while shutting down: " + e.getMessage());
            } finally {
                stopped.countDown();
            }
        }));
        stopped.await();
        return Main.EXIT_OK;
    }
}
