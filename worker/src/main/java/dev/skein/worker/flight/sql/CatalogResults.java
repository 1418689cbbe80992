package dev.skein.worker.flight.sql;

import dev.skein.cluster.flight.sql.CatalogBatches;
import dev.skein.cluster.flight.sql.SqlTable;
import dev.skein.worker.duckdb.TableCatalog;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetDbSchemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTables;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/** The table database's answers to Flight SQL's catalog calls (sent by {@link CatalogBatches}). */
final class CatalogResults {
    private final TableCatalog catalog;
    private final BufferAllocator allocator;
    private final CatalogBatches batches;

    CatalogResults(TableCatalog catalog, BufferAllocator allocator) {
        this.catalog = catalog;
        this.allocator = allocator;
        this.batches = new CatalogBatches(allocator);
    }

    void catalogs(ServerStreamListener listener) {
        batches.catalogs(List.of(catalog.catalogName()), listener);
    }

    void schemas(CommandGetDbSchemas request, ServerStreamListener listener) {
        List<List<String>> schemas = catalog.schemas(
                        request.hasCatalog() ? Optional.of(request.getCatalog()) : Optional.empty(),
                        request.hasDbSchemaFilterPattern() ? Optional.of(request.getDbSchemaFilterPattern()) : Optional.empty())
                .stream()
                .map(schema -> List.of(schema.catalog(), schema.name()))
                .toList();
        batches.schemas(schemas, listener);
    }

    void tables(CommandGetTables request, ServerStreamListener listener) {
        List<SqlTable> tables = catalog.tables(
                        request.hasCatalog() ? Optional.of(request.getCatalog()) : Optional.empty(),
                        request.hasDbSchemaFilterPattern() ? Optional.of(request.getDbSchemaFilterPattern()) : Optional.empty(),
                        request.hasTableNameFilterPattern() ? Optional.of(request.getTableNameFilterPattern()) : Optional.empty(),
                        request.getTableTypesList())
                .stream()
                .map(table -> new SqlTable(table.catalog(), table.schema(), table.name(), table.type()))
                .toList();
        batches.tables(tables, request.getIncludeSchema(), table -> catalog.schemaOf(
                new TableCatalog.Table(table.catalog(), table.schema(), table.name(), table.type()), allocator), listener);
    }

    void tableTypes(ServerStreamListener listener) {
        batches.tableTypes(catalog.tableTypes(), listener);
    }

    /** Keys: DuckDB tables written by Skein have none, and the answer is an empty result. */
    void empty(Schema schema, ServerStreamListener listener) {
        batches.empty(schema, listener);
    }
}
