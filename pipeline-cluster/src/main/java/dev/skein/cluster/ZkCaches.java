package dev.skein.cluster;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;

/** Starting a {@link CuratorCache} and waiting for its first full load. */
final class ZkCaches {
    private static final int INITIAL_LOAD_TIMEOUT_SECONDS = 30;

    private ZkCaches() {}

    static void startAndAwaitInitialized(CuratorCache cache, String what) {
        CountDownLatch initialized = new CountDownLatch(1);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forInitialized(initialized::countDown)
                .build());
        cache.start();
        try {
            if (!initialized.await(INITIAL_LOAD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new SkeinException(ErrorCode.EXTERNAL, "cannot load the " + what + " from ZooKeeper");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkeinException(ErrorCode.EXTERNAL, "interrupted while loading the " + what, e);
        }
    }
}
