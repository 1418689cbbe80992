package dev.skein.cluster.duckdb;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interrupts whatever a DuckDB connection is running, from another thread; shared by the worker's
 * and the coordinator's user SQL. It reaches DuckDB's driver by reflection only, so this module
 * does not depend on DuckDB. DuckDB's JDBC driver
 * (2.0.0.1) only interrupts from {@code Statement.cancel()} while {@code execute} runs and under
 * the connection's lock, but a streamed query does its work while its result is fetched, holding
 * that lock: the cancel then waits for the query it should stop. DuckDB's own interrupt (an atomic
 * flag on the client context) is safe from any thread, so this calls the driver's native entry
 * point directly. The caller guarantees the connection is not closed meanwhile.
 */
public final class ConnectionInterrupt {
    private static final Logger log = LoggerFactory.getLogger(ConnectionInterrupt.class);
    private static final Optional<ConnectionInterrupt> NATIVE = find();

    private final Field connRef;
    private final Method interrupt;

    private ConnectionInterrupt(Field connRef, Method interrupt) {
        this.connRef = connRef;
        this.interrupt = interrupt;
    }

    private static Optional<ConnectionInterrupt> find() {
        try {
            Field connRef = Class.forName("org.duckdb.DuckDBConnection").getDeclaredField("connRef");
            connRef.setAccessible(true);
            Method interrupt = Class.forName("org.duckdb.DuckDBNative")
                    .getDeclaredMethod("duckdb_jdbc_interrupt", ByteBuffer.class);
            interrupt.setAccessible(true);
            return Optional.of(new ConnectionInterrupt(connRef, interrupt));
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("DuckDB's interrupt is not reachable in this driver version; cancel waits for running"
                    + " queries to end: {}", e.toString());
            return Optional.empty();
        }
    }

    /**
     * @param connection a {@code org.duckdb.DuckDBConnection}
     * @return whether the interrupt reached DuckDB
     */
    public static boolean interrupt(java.sql.Connection connection) {
        if (NATIVE.isEmpty()) {
            return false;
        }
        try {
            ByteBuffer ref = (ByteBuffer) NATIVE.get().connRef.get(connection);
            if (ref == null) {
                return false;
            }
            NATIVE.get().interrupt.invoke(null, ref);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("cannot interrupt a DuckDB query: {}", e.toString());
            return false;
        }
    }
}
