package dev.skein.worker.flight;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.worker.duckdb.DuckDbSession;
import dev.skein.worker.duckdb.TableStore;
import dev.skein.worker.exchange.BatchValidation;
import dev.skein.worker.exchange.Batches;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.FlightRuntimeException;
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
    /** Arrow buffer bytes one DoPut may append. */
    static final long MAX_PUT_BYTES = 1L << 30;

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
        TableStore.clientTable(table);
        try {
            Schema schema = store.schemaOf(table, allocator).orElseThrow(() -> noTable(table));
            Ticket ticket = new Ticket(new TableTicket(1, "table", table, null).encode());
            return new FlightInfo(schema, FlightDescriptor.path(table), List.of(new FlightEndpoint(ticket)),
                    -1, store.rowCount(table));
        } catch (SkeinException e) {
            // dropped between the look-up and the count (a failed first DoPut undoing its table)
            if (!store.tableNames().contains(table)) {
                throw noTable(table);
            }
            throw e;
        }
    }

    private SkeinException noTable(String table) {
        return new SkeinException(ErrorCode.NOT_FOUND, "no table '" + table + "' on worker '" + workerId + "'");
    }

    List<String> tables() {
        return store.clientTableNames();
    }

    /**
     * @param ticket as decoded from the client's bytes; null when they held no JSON object (an
     *     empty ticket)
     */
    void stream(TableTicket ticket, ServerStreamListener listener) throws Exception {
        if (ticket == null || ticket.kind() == null) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "the ticket is empty or names no kind; expected"
                    + " {\"version\":1,\"kind\":\"table\",\"table\":\"NAME\"} from GetFlightInfo, or a tap ticket");
        }
        String sql;
        if ("table".equals(ticket.kind())) {
            if (ticket.table() == null) {
                throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "the table ticket names no table");
            }
            String quoted = TableStore.clientTable(ticket.table());
            if (!store.tableNames().contains(ticket.table())) {
                throw new SkeinException(ErrorCode.NOT_FOUND, "no table '" + ticket.table() + "' on worker '"
                        + workerId + "'");
            }
            sql = "SELECT * FROM " + quoted;
        } else if (!"query".equals(ticket.kind())) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "unknown ticket kind '" + ticket.kind()
                    + "'; expected 'table', 'query' or 'tap'");
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

    /**
     * Appends a client's stream to a table (created from the stream's schema if absent), all of it
     * or nothing. Every batch is validated against its body before DuckDB sees it (an IPC header
     * may claim millions of rows over a 16-byte body), and the call may carry at most {@value
     * #MAX_PUT_BYTES} bytes of Arrow buffers: a malformed or oversized stream is refused with a
     * message, rolled back, and leaves no Arrow memory behind (the stream owns the batch). A DoPut
     * without batches creates an empty table; a table this call created is dropped again if it fails.
     */
    long append(String table, FlightStream stream) throws Exception {
        TableStore.clientTable(table);
        Schema schema = received(stream::getSchema, table, 0);
        boolean created = store.ensureTable(table, schema, allocator);
        try {
            return appendBatches(table, stream);
        } catch (Exception e) {
            if (created) {
                try {
                    store.dropIfEmpty(table, allocator);
                } catch (Exception dropFailure) {
                    e.addSuppressed(dropFailure);
                }
            }
            throw e;
        }
    }

    private long appendBatches(String table, FlightStream stream) throws Exception {
        return store.append(table, () -> new Iterator<>() {
            private Boolean ready;
            private int batches;
            private long bytes;

            @Override
            public boolean hasNext() {
                if (ready == null) {
                    ready = received(stream::next, table, batches + 1);
                }
                return ready;
            }

            @Override
            public VectorSchemaRoot next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ready = null;
                batches++;
                VectorSchemaRoot batch = stream.getRoot();
                try {
                    BatchValidation.check(batch, "a DoPut");
                } catch (SkeinException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "batch " + batches + " of the DoPut into '" + table
                            + "' is malformed (" + batch.getRowCount() + " rows claimed): " + cause.getMessage(), e);
                }
                bytes += Batches.bytes(batch);
                if (bytes > MAX_PUT_BYTES) {
                    throw new SkeinException(ErrorCode.RESOURCES_EXHAUSTED, "the DoPut into '" + table + "' carries more than "
                            + MAX_PUT_BYTES + " bytes (" + bytes + " after " + batches + " batches); split it"
                            + " into several DoPuts, each appended in its own transaction");
                }
                return batch;
            }
        }, allocator);
    }

    /** What the stream decodes, or a clear refusal when the client sent no valid Arrow IPC. */
    private static <T> T received(Callable<T> read, String table, int batch) {
        try {
            return read.call();
        } catch (SkeinException | FlightRuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "the DoPut into '" + table + "' is not valid Arrow IPC"
                    + (batch > 0 ? " at batch " + batch : "") + ": " + e.getMessage(), e);
        }
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
