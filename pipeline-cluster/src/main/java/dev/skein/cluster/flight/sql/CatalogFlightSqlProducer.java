package dev.skein.cluster.flight.sql;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import dev.skein.cluster.flight.CallStatuses;
import java.util.Optional;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.sql.NoOpFlightSqlProducer;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetCatalogs;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetCrossReference;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetDbSchemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetExportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetImportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetPrimaryKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetSqlInfo;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTableTypes;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTables;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A Flight SQL server's catalog calls, answered from a {@link SqlCatalog}: {@code GetSqlInfo},
 * {@code GetCatalogs}, {@code GetDbSchemas}, {@code GetTables} (with {@code include_schema}),
 * {@code GetTableTypes}, and the key calls (empty: tables written by Skein have no keys). The
 * statements are the subclass's. Thread-safe if the catalog is.
 */
public abstract class CatalogFlightSqlProducer extends NoOpFlightSqlProducer {
    private final SqlCatalog catalog;
    private final CatalogBatches batches;
    private final SqlInfoBuilder sqlInfo;

    protected CatalogFlightSqlProducer(SqlCatalog catalog, SqlInfoBuilder sqlInfo, BufferAllocator allocator) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.sqlInfo = requireNonNull(sqlInfo, "sqlInfo is null");
        this.batches = new CatalogBatches(allocator);
    }

    @Override
    public final FlightInfo getFlightInfoSqlInfo(CommandGetSqlInfo request, CallContext context,
            FlightDescriptor descriptor) {
        return FlightSqlMessages.info(Schemas.GET_SQL_INFO_SCHEMA, descriptor, Any.pack(request));
    }

    @Override
    public final void getStreamSqlInfo(CommandGetSqlInfo command, CallContext context, ServerStreamListener listener) {
        sqlInfo.send(command.getInfoList(), listener);
    }

    @Override
    public final FlightInfo getFlightInfoCatalogs(CommandGetCatalogs request, CallContext context,
            FlightDescriptor descriptor) {
        return FlightSqlMessages.info(Schemas.GET_CATALOGS_SCHEMA, descriptor, Any.pack(request));
    }

    @Override
    public final void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
        answer(listener, () -> batches.catalogs(catalog.catalogs(), listener));
    }

    @Override
    public final FlightInfo getFlightInfoSchemas(CommandGetDbSchemas request, CallContext context,
            FlightDescriptor descriptor) {
        return FlightSqlMessages.info(Schemas.GET_SCHEMAS_SCHEMA, descriptor, Any.pack(request));
    }

    @Override
    public final void getStreamSchemas(CommandGetDbSchemas command, CallContext context, ServerStreamListener listener) {
        answer(listener, () -> batches.schemas(catalog.schemas(optional(command.hasCatalog(), command.getCatalog()),
                optional(command.hasDbSchemaFilterPattern(), command.getDbSchemaFilterPattern())), listener));
    }

    @Override
    public final FlightInfo getFlightInfoTables(CommandGetTables request, CallContext context,
            FlightDescriptor descriptor) {
        return FlightSqlMessages.info(request.getIncludeSchema() ? Schemas.GET_TABLES_SCHEMA
                : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA, descriptor, Any.pack(request));
    }

    @Override
    public final void getStreamTables(CommandGetTables command, CallContext context, ServerStreamListener listener) {
        answer(listener, () -> batches.tables(
                catalog.tables(optional(command.hasCatalog(), command.getCatalog()),
                        optional(command.hasDbSchemaFilterPattern(), command.getDbSchemaFilterPattern()),
                        optional(command.hasTableNameFilterPattern(), command.getTableNameFilterPattern()),
                        command.getTableTypesList()),
                command.getIncludeSchema(), catalog::schemaOf, listener));
    }

    @Override
    public final FlightInfo getFlightInfoTableTypes(CommandGetTableTypes request, CallContext context,
            FlightDescriptor descriptor) {
        return FlightSqlMessages.info(Schemas.GET_TABLE_TYPES_SCHEMA, descriptor, Any.pack(request));
    }

    @Override
    public final void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
        answer(listener, () -> batches.tableTypes(catalog.tableTypes(), listener));
    }

    @Override
    public final FlightInfo getFlightInfoPrimaryKeys(CommandGetPrimaryKeys request, CallContext context,
            FlightDescriptor descriptor) {
        return FlightSqlMessages.info(Schemas.GET_PRIMARY_KEYS_SCHEMA, descriptor, Any.pack(request));
    }

    @Override
    public final void getStreamPrimaryKeys(CommandGetPrimaryKeys command, CallContext context,
            ServerStreamListener listener) {
        empty(Schemas.GET_PRIMARY_KEYS_SCHEMA, listener);
    }

    @Override
    public final FlightInfo getFlightInfoExportedKeys(CommandGetExportedKeys request, CallContext context,
            FlightDescriptor descriptor) {
        return FlightSqlMessages.info(Schemas.GET_EXPORTED_KEYS_SCHEMA, descriptor, Any.pack(request));
    }

    @Override
    public final void getStreamExportedKeys(CommandGetExportedKeys command, CallContext context,
            ServerStreamListener listener) {
        empty(Schemas.GET_EXPORTED_KEYS_SCHEMA, listener);
    }

    @Override
    public final FlightInfo getFlightInfoImportedKeys(CommandGetImportedKeys request, CallContext context,
            FlightDescriptor descriptor) {
        return FlightSqlMessages.info(Schemas.GET_IMPORTED_KEYS_SCHEMA, descriptor, Any.pack(request));
    }

    @Override
    public final void getStreamImportedKeys(CommandGetImportedKeys command, CallContext context,
            ServerStreamListener listener) {
        empty(Schemas.GET_IMPORTED_KEYS_SCHEMA, listener);
    }

    @Override
    public final FlightInfo getFlightInfoCrossReference(CommandGetCrossReference request, CallContext context,
            FlightDescriptor descriptor) {
        return FlightSqlMessages.info(Schemas.GET_CROSS_REFERENCE_SCHEMA, descriptor, Any.pack(request));
    }

    @Override
    public final void getStreamCrossReference(CommandGetCrossReference command, CallContext context,
            ServerStreamListener listener) {
        empty(Schemas.GET_CROSS_REFERENCE_SCHEMA, listener);
    }

    private void empty(Schema schema, ServerStreamListener listener) {
        answer(listener, () -> batches.empty(schema, listener));
    }

    private static Optional<String> optional(boolean present, String value) {
        return present ? Optional.of(value) : Optional.empty();
    }

    private static void answer(ServerStreamListener listener, Runnable answer) {
        try {
            answer.run();
        } catch (RuntimeException e) {
            listener.error(CallStatuses.toFlight(e));
        }
    }
}
