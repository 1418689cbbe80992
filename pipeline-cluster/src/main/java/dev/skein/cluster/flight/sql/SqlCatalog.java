package dev.skein.cluster.flight.sql;

import java.util.List;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What a Flight SQL server lists to its clients' catalog calls. Patterns are as in SQL LIKE,
 * escape {@code \}; an empty filter matches everything. Implementations are thread-safe.
 */
public interface SqlCatalog {
    /** The catalogs (databases). */
    List<String> catalogs();

    /** (catalog, schema) pairs that match the filters. */
    List<List<String>> schemas(Optional<String> catalog, Optional<String> schemaPattern);

    /** The tables that match every filter; {@code types} empty for all types. */
    List<SqlTable> tables(
            Optional<String> catalog, Optional<String> schemaPattern, Optional<String> tablePattern, List<String> types);

    /** A table's Arrow schema, as a query over it returns it. */
    Schema schemaOf(SqlTable table);

    /** The table types there are. */
    List<String> tableTypes();
}
