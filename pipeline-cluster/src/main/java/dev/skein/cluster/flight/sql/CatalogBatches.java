package dev.skein.cluster.flight.sql;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Sends the answers to Flight SQL's catalog calls ({@code GetCatalogs}, {@code GetDbSchemas},
 * {@code GetTables}, {@code GetTableTypes}, the key calls) as the one small Arrow batch each the
 * protocol defines. What to list is the caller's; filtering too. Thread-safe.
 */
final class CatalogBatches {
    private final BufferAllocator allocator;

    CatalogBatches(BufferAllocator allocator) {
        this.allocator = requireNonNull(allocator, "allocator is null");
    }

    public void catalogs(List<String> catalogs, ServerStreamListener listener) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(Schemas.GET_CATALOGS_SCHEMA, allocator)) {
            for (int i = 0; i < catalogs.size(); i++) {
                set(root, "catalog_name", i, catalogs.get(i));
            }
            send(root, catalogs.size(), listener);
        }
    }

    /** @param schemas each a (catalog, schema) pair */
    public void schemas(List<List<String>> schemas, ServerStreamListener listener) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(Schemas.GET_SCHEMAS_SCHEMA, allocator)) {
            for (int i = 0; i < schemas.size(); i++) {
                set(root, "catalog_name", i, schemas.get(i).get(0));
                set(root, "db_schema_name", i, schemas.get(i).get(1));
            }
            send(root, schemas.size(), listener);
        }
    }

    /**
     * @param schemaOf each table's Arrow schema, asked for only when {@code includeSchema}
     */
    public void tables(List<SqlTable> tables, boolean includeSchema, Function<SqlTable, Schema> schemaOf,
            ServerStreamListener listener) {
        Schema schema = includeSchema ? Schemas.GET_TABLES_SCHEMA : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA;
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            for (int i = 0; i < tables.size(); i++) {
                SqlTable table = tables.get(i);
                set(root, "catalog_name", i, table.catalog());
                set(root, "db_schema_name", i, table.schema());
                set(root, "table_name", i, table.name());
                set(root, "table_type", i, table.type());
                if (includeSchema) {
                    ((VarBinaryVector) root.getVector("table_schema"))
                            .setSafe(i, FlightSqlMessages.serialize(schemaOf.apply(table)).toByteArray());
                }
            }
            send(root, tables.size(), listener);
        }
    }

    public void tableTypes(List<String> types, ServerStreamListener listener) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(Schemas.GET_TABLE_TYPES_SCHEMA, allocator)) {
            for (int i = 0; i < types.size(); i++) {
                set(root, "table_type", i, types.get(i));
            }
            send(root, types.size(), listener);
        }
    }

    /** An empty result of {@code schema}: keys, which tables written by Skein do not have. */
    public void empty(Schema schema, ServerStreamListener listener) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            send(root, 0, listener);
        }
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
