package dev.skein.worker.duckdb;

import dev.skein.spec.DataRoots;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Confines a DuckDB database to data roots before user SQL runs in it (see {@link DataRoots#duckDbConfinement()}). */
final class DuckDbConfinement {
    private DuckDbConfinement() {}

    static void apply(Connection connection, DataRoots roots) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String setting : roots.duckDbConfinement()) {
                statement.execute(setting);
            }
        }
    }
}
