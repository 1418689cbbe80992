package dev.skein.spi.plugin;

import dev.skein.spi.BatchTransform;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.util.function.Supplier;

/**
 * Calls into a {@link BatchTransform} on behalf of Skein's nodes: with the transform's class
 * loader as the thread's context class loader (libraries that look classes up there find the
 * plugin's), and with any failure turned into a {@link SkeinException} ({@link
 * ErrorCode#STAGE_FAILED}) whose message names the class and the method, as in {@code
 * com.example.Enrich.apply threw IllegalStateException: no column 'x'}.
 */
public final class TransformCalls {
    private TransformCalls() {}

    /**
     * Runs {@code body}, a call of {@code method} on {@code transform}.
     *
     * @throws SkeinException if the call throws a runtime exception or a linkage error (a class
     *     missing from a plugin jar); other errors pass unchanged
     */
    public static void run(BatchTransform transform, String method, Runnable body) {
        call(transform, method, () -> {
            body.run();
            return null;
        });
    }

    /** Like {@link #run}, returning the call's result. */
    public static <T> T call(BatchTransform transform, String method, Supplier<T> body) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(transform.getClass().getClassLoader());
        try {
            return body.get();
        } catch (RuntimeException | LinkageError e) {
            throw new SkeinException(ErrorCode.STAGE_FAILED, describe(transform.getClass().getName(), method, e), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * How a failure of user code reads: {@code com.example.Enrich.apply threw
     * IllegalStateException: message}, or {@code com.example.Enrich.apply failed: message} for a
     * {@link SkeinException} the transform threw on purpose.
     */
    public static String describe(String className, String method, Throwable failure) {
        String message = failure.getMessage() == null ? "" : failure.getMessage().strip();
        String where = className + "." + method;
        if (failure instanceof SkeinException) {
            return where + " failed: " + message;
        }
        String type = failure.getClass().getSimpleName().isEmpty()
                ? failure.getClass().getName()
                : failure.getClass().getSimpleName();
        return where + " threw " + type + (message.isEmpty() ? "" : ": " + message);
    }
}
