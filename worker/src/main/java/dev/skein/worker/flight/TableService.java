package dev.skein.worker.flight;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.worker.duckdb.DuckDbSession;
import dev.skein.worker.duckdb.TableStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The worker as a plain DuckDB Flight server over its tables: {@code DoPut(PATH [table])}
 * appends, {@code GetFlightInfo(PATH [table])} and {@code ListFlights} describe tables (schema
 * and exact row count), {@code GetFlightInfo(CMD sql)} plans a read-only query when the worker
 * runs with {@code --allow-sql}. Tickets are versioned JSON naming a table or a query handle,
 * never SQL. Thread-safe.
 */
final class TableService {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_QUERY_HANDLES = 1_000;
    private static final int BATCH_ROWS = 65_536;

    private final TableStore store;
    private final BufferAllocator allocator;
    private final boolean allowSql;
    private final String workerId;
    /** Planned queries by handle; the oldest are forgotten past {@link #MAX_QUERY_HANDLES}. */
    private final Map<String, String> queries = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_QUERY_HANDLES;
        }
    });

    TableService(TableStore store, BufferAllocator allocator, boolean allowSql, String workerId) {
        this.store = store;
        this.allocator = allocator;
        this.allowSql = allowSql;
        this.workerId = workerId;
    }

    /**
     * A ticket of this service.
     *
     * @param version format version, 1
     * @param kind "table" or "query"
     * @param table the table, for "table"
     * @param id the query handle, for "query"
     */
    record TableTicket(int version, String kind, String table, String id) {
        byte[] encode() {
            try {
                return MAPPER.writeValueAsBytes(this);
            } catch (IOException e) {
                throw new SkeinException(ErrorCode.INTERNAL, "cannot encode ticket", e);
            }
        }
    }

    FlightInfo info(FlightDescriptor descriptor) {
        if (!descriptor.isCommand()) {
            List<String> path = descriptor.getPath();
            if (path.size() != 1) {
                throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "expected the path [table], got " + path);
            }
            return tableInfo(path.get(0));
        }
        String sql = new String(descriptor.getCommand(), StandardCharsets.UTF_8);
        if (!allowSql) {
            throw new SkeinException(ErrorCode.PERMISSION_DENIED,
                    "ad-hoc SQL is off on worker '" + workerId + "'; start it with --allow-sql");
        }
        store.checkReadOnly(sql);
        Schema schema = schemaOf(sql);
        String id = UUID.randomUUID().toString();
        queries.put(id, sql);
        Ticket ticket = new Ticket(new TableTicket(1, "query", null, id).encode());
        return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(ticket)), -1, -1);
    }

    FlightInfo tableInfo(String table) {
        Schema schema = store.schemaOf(table, allocator)
                .orElseThrow(() -> new SkeinException(ErrorCode.NOT_FOUND, "no table '" + table + "' on worker '" + workerId + "'"));
        Ticket ticket = new Ticket(new TableTicket(1, "table", table, null).encode());
        return new FlightInfo(schema, FlightDescriptor.path(table), List.of(new FlightEndpoint(ticket)),
                -1, store.rowCount(table));
    }

    List<String> tables() {
        return store.tableNames();
    }

    void stream(TableTicket ticket, ServerStreamListener listener) throws Exception {
        String sql;
        if ("table".equals(ticket.kind())) {
            sql = "SELECT * FROM " + TableStore.quoted(ticket.table());
        } else {
            sql = queries.remove(String.valueOf(ticket.id()));
            if (sql == null) {
                throw new SkeinException(ErrorCode.NOT_FOUND, "unknown or already used query handle '" + ticket.id() + "'");
            }
        }
        try (DuckDbSession session = store.openSession(allocator)) {
            VectorSchemaRoot[] out = new VectorSchemaRoot[1];
            try {
                Schema schema = session.query(sql, BATCH_ROWS, batch -> {
                    if (out[0] == null) {
                        out[0] = VectorSchemaRoot.create(batch.getSchema(), allocator);
                        listener.start(out[0]);
                    }
                    try (ArrowRecordBatch records = new VectorUnloader(batch).getRecordBatch()) {
                        new VectorLoader(out[0]).load(records);
                    }
                    listener.putNext();
                }).schema();
                if (out[0] == null) {
                    out[0] = VectorSchemaRoot.create(schema, allocator);
                    listener.start(out[0]);
                }
                listener.completed();
            } finally {
                if (out[0] != null) {
                    out[0].close();
                }
            }
        }
    }

    /** Appends a client's stream to a table (created from the stream's schema if absent). */
    long append(String table, FlightStream stream) throws Exception {
        store.ensureTable(table, stream.getSchema(), allocator);
        return store.append(table, () -> new Iterator<>() {
            private Boolean ready;

            @Override
            public boolean hasNext() {
                if (ready == null) {
                    ready = stream.next();
                }
                return ready;
            }

            @Override
            public VectorSchemaRoot next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ready = null;
                return stream.getRoot();
            }
        }, allocator);
    }

    private Schema schemaOf(String sql) {
        try (DuckDbSession session = store.openSession(allocator)) {
            return session.query("SELECT * FROM (" + sql + ") AS skein_query LIMIT 0", 1, batch -> {}).schema();
        } catch (SkeinException e) {
            throw e;
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "query failed: " + e.getMessage(), e);
        }
    }
}
