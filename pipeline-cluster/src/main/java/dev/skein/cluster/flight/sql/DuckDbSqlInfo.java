package dev.skein.cluster.flight.sql;

import java.util.List;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedCaseSensitivity;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedTransaction;

/** {@code GetSqlInfo} for a Skein node that answers SQL with DuckDB: what it supports, filled completely. */
public final class DuckDbSqlInfo {
    private DuckDbSqlInfo() {}

    /**
     * @param serverName the name clients show
     * @param writesAllowed whether statements that change data may run
     * @param maxStatements how many statements may be open at once
     * @param keywords DuckDB's keywords, upper case
     */
    public static SqlInfoBuilder of(String serverName, boolean writesAllowed, int maxStatements, List<String> keywords) {
        return new SqlInfoBuilder()
                .withFlightSqlServerName(serverName)
                .withFlightSqlServerVersion(String.valueOf(DuckDbSqlInfo.class.getPackage().getImplementationVersion()))
                .withFlightSqlServerArrowVersion("18.3.0")
                .withFlightSqlServerReadOnly(!writesAllowed)
                .withFlightSqlServerSql(true)
                .withFlightSqlServerSubstrait(false)
                .withFlightSqlServerTransaction(SqlSupportedTransaction.SQL_SUPPORTED_TRANSACTION_NONE)
                .withFlightSqlServerCancel(true)
                .withFlightSqlServerBulkIngestion(false)
                .withSqlTransactionsSupported(false)
                .withSqlIdentifierQuoteChar("\"")
                .withSqlIdentifierCase(SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE)
                .withSqlQuotedIdentifierCase(SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE)
                .withSqlSearchStringEscape("\\")
                .withSqlSchemaTerm("schema")
                .withSqlCatalogTerm("database")
                .withSqlCatalogAtStart(true)
                .withSqlDdlCatalog(false)
                .withSqlDdlSchema(writesAllowed)
                .withSqlDdlTable(writesAllowed)
                .withSqlAllTablesAreSelectable(true)
                .withSqlSupportsColumnAliasing(true)
                .withSqlNullPlusNullIsNull(true)
                .withSqlSupportsExpressionsInOrderBy(true)
                .withSqlSupportsLikeEscapeClause(true)
                .withSqlSupportsNonNullableColumns(true)
                .withSqlCorrelatedSubqueriesSupported(true)
                .withSqlBatchUpdatesSupported(false)
                .withSqlSavepointsSupported(false)
                .withSqlNamedParametersSupported(false)
                .withSqlStoredProceduresSupported(false)
                .withSqlMaxConnections(maxStatements)
                .withSqlKeywords(keywords.toArray(String[]::new));
    }
}
