package dev.skein.worker.flight.sql;

import com.google.protobuf.ByteString;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.worker.duckdb.TableCatalog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetDbSchemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTables;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/** The answers to Flight SQL's catalog calls, as the small Arrow batches the protocol defines. */
final class CatalogResults {
    private final TableCatalog catalog;
    private final BufferAllocator allocator;

    CatalogResults(TableCatalog catalog, BufferAllocator allocator) {
        this.catalog = catalog;
        this.allocator = allocator;
    }

    void catalogs(ServerStreamListener listener) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(Schemas.GET_CATALOGS_SCHEMA, allocator)) {
            set(root, "catalog_name", 0, catalog.catalogName());
            send(root, 1, listener);
        }
    }

    void schemas(CommandGetDbSchemas request, ServerStreamListener listener) {
        List<TableCatalog.DbSchema> schemas = catalog.schemas(
                request.hasCatalog() ? Optional.of(request.getCatalog()) : Optional.empty(),
                request.hasDbSchemaFilterPattern() ? Optional.of(request.getDbSchemaFilterPattern()) : Optional.empty());
        try (VectorSchemaRoot root = VectorSchemaRoot.create(Schemas.GET_SCHEMAS_SCHEMA, allocator)) {
            for (int i = 0; i < schemas.size(); i++) {
                set(root, "catalog_name", i, schemas.get(i).catalog());
                set(root, "db_schema_name", i, schemas.get(i).name());
            }
            send(root, schemas.size(), listener);
        }
    }

    void tables(CommandGetTables request, ServerStreamListener listener) {
        List<TableCatalog.Table> tables = catalog.tables(
                request.hasCatalog() ? Optional.of(request.getCatalog()) : Optional.empty(),
                request.hasDbSchemaFilterPattern() ? Optional.of(request.getDbSchemaFilterPattern()) : Optional.empty(),
                request.hasTableNameFilterPattern() ? Optional.of(request.getTableNameFilterPattern()) : Optional.empty(),
                request.getTableTypesList());
        Schema schema = request.getIncludeSchema() ? Schemas.GET_TABLES_SCHEMA : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA;
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            for (int i = 0; i < tables.size(); i++) {
                TableCatalog.Table table = tables.get(i);
                set(root, "catalog_name", i, table.catalog());
                set(root, "db_schema_name", i, table.schema());
                set(root, "table_name", i, table.name());
                set(root, "table_type", i, table.type());
                if (request.getIncludeSchema()) {
                    ((VarBinaryVector) root.getVector("table_schema"))
                            .setSafe(i, serialize(catalog.schemaOf(table, allocator)).toByteArray());
                }
            }
            send(root, tables.size(), listener);
        }
    }

    void tableTypes(ServerStreamListener listener) {
        List<String> types = catalog.tableTypes();
        try (VectorSchemaRoot root = VectorSchemaRoot.create(Schemas.GET_TABLE_TYPES_SCHEMA, allocator)) {
            for (int i = 0; i < types.size(); i++) {
                set(root, "table_type", i, types.get(i));
            }
            send(root, types.size(), listener);
        }
    }

    /** Keys: DuckDB tables written by Skein have none, and the answer is an empty result. */
    void empty(Schema schema, ServerStreamListener listener) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            send(root, 0, listener);
        }
    }

    /** An Arrow schema as Flight SQL carries it: an IPC schema message. */
    static ByteString serialize(Schema schema) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            MessageSerializer.serialize(new WriteChannel(Channels.newChannel(out)), schema);
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot serialize a schema: " + e.getMessage(), e);
        }
        return ByteString.copyFrom(out.toByteArray());
    }

    private static void set(VectorSchemaRoot root, String column, int row, String value) {
        ((VarCharVector) root.getVector(column)).setSafe(row, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(VectorSchemaRoot root, int rows, ServerStreamListener listener) {
        root.setRowCount(rows);
        listener.start(root);
        listener.putNext();
        listener.completed();
    }
}
