package dev.skein.worker.flight.sql;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.worker.duckdb.PreparedSql;
import dev.skein.worker.duckdb.TableStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The SQL clients' open statements on one worker, by handle: at most {@value #MAX_STATEMENTS}, one
 * unused for {@link #IDLE_MILLIS} is closed, and every execution runs under a time limit (a
 * scheduled interrupt). Thread-safe.
 */
final class OpenStatements implements AutoCloseable {
    static final int MAX_STATEMENTS = 256;
    static final long IDLE_MILLIS = 10 * 60 * 1000L;

    private final String workerId;
    private final TableStore store;
    private final BufferAllocator allocator;
    private final boolean writesAllowed;
    private final Duration timeLimit;
    private final Map<ByteString, Statement> statements = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sql-time-limit");
        thread.setDaemon(true);
        return thread;
    });

    /** An open statement; {@code oneShot} for an ad-hoc query, closed once its results went out. */
    static final class Statement {
        private final PreparedSql sql;
        private final boolean oneShot;
        private volatile long lastUsedMillis = System.currentTimeMillis();

        private Statement(PreparedSql sql, boolean oneShot) {
            this.sql = sql;
            this.oneShot = oneShot;
        }

        PreparedSql sql() {
            return sql;
        }

        boolean oneShot() {
            return oneShot;
        }
    }

    OpenStatements(String workerId, TableStore store, BufferAllocator allocator, boolean writesAllowed,
            Duration timeLimit) {
        this.workerId = requireNonNull(workerId, "workerId is null");
        this.store = requireNonNull(store, "store is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.writesAllowed = writesAllowed;
        this.timeLimit = requireNonNull(timeLimit, "timeLimit is null");
    }

    /** A statement prepared for one call only; the caller closes it. */
    PreparedSql prepareOnce(String query) {
        return store.prepare(query, writesAllowed, allocator);
    }

    /** Prepares {@code query} and keeps it open under a new handle. */
    ByteString open(String query, boolean oneShot) {
        closeIdle();
        if (statements.size() >= MAX_STATEMENTS) {
            throw new SkeinException(ErrorCode.RESOURCES_EXHAUSTED, "worker '" + workerId + "' has " + MAX_STATEMENTS
                    + " open SQL statements; close some (they close after " + IDLE_MILLIS / 60_000 + " idle minutes)");
        }
        PreparedSql sql = store.prepare(query, writesAllowed, allocator);
        ByteString handle = ByteString.copyFromUtf8(UUID.randomUUID().toString());
        statements.put(handle, new Statement(sql, oneShot));
        return handle;
    }

    /** The open statement {@code handle} names, marked as used now. */
    Statement get(ByteString handle) {
        Statement statement = statements.get(handle);
        if (statement == null) {
            throw new SkeinException(ErrorCode.NOT_FOUND, "no open statement '" + handle.toStringUtf8() + "' on worker '"
                    + workerId + "' (closed, or idle for more than " + IDLE_MILLIS / 60_000 + " minutes)");
        }
        statement.lastUsedMillis = System.currentTimeMillis();
        return statement;
    }

    /** The open statement {@code handle} names, if any, without marking it used. */
    Optional<Statement> find(ByteString handle) {
        return Optional.ofNullable(statements.get(handle));
    }

    void close(ByteString handle) {
        Statement statement = statements.remove(handle);
        if (statement != null) {
            statement.sql().close();
        }
    }

    private void closeIdle() {
        long now = System.currentTimeMillis();
        statements.forEach((handle, statement) -> {
            if (now - statement.lastUsedMillis > IDLE_MILLIS) {
                close(handle);
            }
        });
    }

    /** An execution's time limit, started; cancel it when the execution ends. */
    final class TimeLimit {
        private final AtomicBoolean passed = new AtomicBoolean();
        private final ScheduledFuture<?> interrupt;

        private TimeLimit(PreparedSql sql) {
            interrupt = timer.schedule(() -> {
                passed.set(true);
                sql.interrupt();
            }, timeLimit.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** {@code failure}, or the time limit's own error if the limit stopped the execution. */
        Exception explain(Exception failure) {
            return passed.get()
                    ? new SkeinException(ErrorCode.RESOURCES_EXHAUSTED, "the statement ran longer than the time limit of "
                            + timeLimit.toSeconds() + " s on worker '" + workerId + "' and was interrupted", failure)
                    : failure;
        }

        void cancel() {
            interrupt.cancel(false);
        }
    }

    TimeLimit startTimeLimit(PreparedSql sql) {
        return new TimeLimit(sql);
    }

    /** Runs {@code execution} of {@code sql} under the time limit. */
    <T> T limited(PreparedSql sql, Supplier<T> execution) {
        TimeLimit limit = startTimeLimit(sql);
        try {
            return execution.get();
        } catch (RuntimeException e) {
            throw (RuntimeException) limit.explain(e);
        } finally {
            limit.cancel();
        }
    }

    /** Stops the timer and closes every open statement. */
    @Override
    public void close() {
        timer.shutdownNow();
        statements.keySet().forEach(this::close);
    }
}
