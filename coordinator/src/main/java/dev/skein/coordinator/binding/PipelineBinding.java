package dev.skein.coordinator.binding;

import dev.skein.coordinator.binding.InMemoryDuckDb.DescribedQuery;
import dev.skein.coordinator.binding.InMemoryDuckDb.ParseVerdict;
import dev.skein.spec.CsvSourceSpec;
import dev.skein.spec.GenerateSourceSpec;
import dev.skein.spec.IngestSourceSpec;
import dev.skein.spec.InvalidSpecException;
import dev.skein.spec.JavaTransformSpec;
import dev.skein.spec.Location;
import dev.skein.spec.ParquetSourceSpec;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.Problem;
import dev.skein.spec.SourceSpec;
import dev.skein.spec.SqlPositions;
import dev.skein.spec.SqlTransformSpec;
import dev.skein.spec.StageSpec;
import dev.skein.spi.SkeinException;
import dev.skein.spi.plugin.TransformLoader;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One run of binding a pipeline: walks source and stages in order, collecting every problem. A
 * Java stage is asked for its output schema given its input's Arrow schema (the declared schema of
 * a Java stage before it, else DuckDB's export of the upstream's columns); its output's DuckDB
 * types are what the stages after it bind against.
 */
final class PipelineBinding {
    private static final Comparator<Problem> FILE_ORDER = Comparator.comparingInt(
                    (Problem problem) -> problem.location().line())
            .thenComparingInt(problem -> problem.location().column());

    private final InMemoryDuckDb duckDb;
    private final TransformLoader transforms;
    private final BufferAllocator allocator;
    private final PipelineSpec spec;
    private static final java.util.regex.Pattern INGEST_TYPE =
            java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_ ]*(\\([0-9, ]+\\))?(\\[\\])*");

    private final List<Problem> problems = new ArrayList<>();
    /** The exact Arrow output of the stage just bound, when it is a Java stage. */
    private Optional<Schema> javaOutput = Optional.empty();

    PipelineBinding(InMemoryDuckDb duckDb, TransformLoader transforms, BufferAllocator allocator, PipelineSpec spec) {
        this.duckDb = duckDb;
        this.transforms = transforms;
        this.allocator = allocator;
        this.spec = spec;
    }

    /**
     * @throws InvalidSpecException with every problem, sorted by location
     * @throws SQLException if DuckDB fails on something other than the pipeline's SQL
     */
    BoundPipeline bind() throws SQLException {
        duckDb.dropInput();
        Optional<List<BoundColumn>> sourceColumns = bindSource(spec.source());
        List<BoundStage> stages = new ArrayList<>();
        if (sourceColumns.isPresent()) {
            Upstream upstream = Upstream.ofSource(sourceColumns.get());
            for (StageSpec stage : spec.stages()) {
                checkPartitionBy(stage, upstream);
                Optional<List<BoundColumn>> output = bindStage(stage, upstream);
                if (output.isEmpty()) {
                    // the stages after it would bind against unknown columns: their problems are noise
                    break;
                }
                stages.add(new BoundStage(stage.name(), output.get()));
                upstream = Upstream.ofStage(stage.name(), output.get());
            }
        }
        if (!problems.isEmpty()) {
            List<Problem> sorted = new ArrayList<>(problems);
            sorted.sort(FILE_ORDER);
            throw new InvalidSpecException(sorted);
        }
        return new BoundPipeline(spec, sourceColumns.orElseThrow(), stages);
    }

    private Optional<List<BoundColumn>> bindSource(SourceSpec source) throws SQLException {
        if (source instanceof GenerateSourceSpec generate) {
            return bindQuery("source", generate.sql(), generate.sqlLocation(), Optional.empty());
        }
        if (source instanceof ParquetSourceSpec parquet) {
            return bindFiles("read_parquet", FileSet.of(parquet.path(), "parquet"), parquet.pathLocation());
        }
        if (source instanceof CsvSourceSpec csv) {
            return bindFiles("read_csv", FileSet.of(csv.path(), "csv"), csv.pathLocation());
        }
        if (source instanceof IngestSourceSpec ingest) {
            return bindIngest(ingest);
        }
        throw new IllegalStateException("no binding for source " + source);
    }

    /** An ingest source's columns are declared: each type must be one DuckDB knows. */
    private Optional<List<BoundColumn>> bindIngest(IngestSourceSpec ingest) {
        List<BoundColumn> columns = new ArrayList<>();
        boolean valid = true;
        for (IngestSourceSpec.ColumnSpec column : ingest.columns()) {
            // The type goes into SQL text: allow type syntax only, never a second statement.
            if (!INGEST_TYPE.matcher(column.type()).matches()) {
                report(column.location(), "source: column '" + column.name() + "' has an invalid type '"
                        + column.type() + "'");
                valid = false;
                continue;
            }
            String query = "SELECT " + column.nullSelectItem();
            try {
                columns.addAll(duckDb.describe(query).columns());
            } catch (SQLException e) {
                report(column.location(), "source: column '" + column.name() + "' has type '" + column.type()
                        + "': " + DuckDbError.parse(messageOf(e), query).headline());
                valid = false;
            }
        }
        return valid ? checkedColumns("source", columns, ingest.location()) : Optional.empty();
    }

    private Optional<List<BoundColumn>> bindFiles(String reader, String files, Location pathLocation) {
        String query = "SELECT * FROM " + reader + "('" + files.replace("'", "''") + "')";
        try {
            return checkedColumns("source", duckDb.describe(query).columns(), pathLocation);
        } catch (SQLException e) {
            report(
                    pathLocation,
                    "source: " + DuckDbError.parse(messageOf(e), query).headline());
            return Optional.empty();
        }
    }

    private Optional<List<BoundColumn>> bindStage(StageSpec stage, Upstream upstream) throws SQLException {
        String subject = "stage '" + stage.name() + "'";
        Optional<Schema> arrowInput = javaOutput;
        javaOutput = Optional.empty();
        if (stage.transform() instanceof JavaTransformSpec java) {
            return bindJava(stage, java, subject, upstream, arrowInput);
        }
        if (stage.transform() instanceof SqlTransformSpec sql) {
            try {
                duckDb.replaceInput(upstream.columns());
            } catch (SQLException e) {
                String headline = DuckDbError.parse(messageOf(e), "").headline();
                report(
                        sql.sqlLocation(),
                        subject + ": cannot give DuckDB the columns of " + upstream.description() + ": " + headline);
                return Optional.empty();
            }
            return bindQuery(subject, sql.sql(), sql.sqlLocation(), Optional.of(upstream));
        }
        throw new IllegalStateException("no binding for transform " + stage.transform());
    }

    /**
     * @param arrowInput the input's exact Arrow schema when the upstream is a Java stage; else it
     *     comes from DuckDB, as a worker's DuckDB would produce it
     */
    private Optional<List<BoundColumn>> bindJava(
            StageSpec stage, JavaTransformSpec java, String subject, Upstream upstream, Optional<Schema> arrowInput)
            throws SQLException {
        Location at = java.classLocation();
        Schema input;
        try {
            if (arrowInput.isPresent()) {
                input = arrowInput.get();
            } else {
                duckDb.replaceInput(upstream.columns());
                input = duckDb.arrowSchemaOfInput(allocator);
            }
        } catch (SQLException e) {
            report(at, subject + ": cannot give DuckDB the columns of " + upstream.description() + ": "
                    + DuckDbError.parse(messageOf(e), "").headline());
            return Optional.empty();
        }
        Schema output;
        try {
            output = JavaStageProbe.outputSchema(transforms, spec.name(), stage, java, input, allocator);
        } catch (SkeinException e) {
            report(at, subject + ": " + e.getMessage());
            return Optional.empty();
        }
        // checked on the Arrow names: DuckDB would rename a duplicate on reading it
        List<BoundColumn> named = output.getFields().stream()
                .map(field -> new BoundColumn(field.getName(), field.getType().toString()))
                .toList();
        if (checkedColumns(subject, named, at).isEmpty()) {
            return Optional.empty();
        }
        List<BoundColumn> columns;
        try {
            columns = duckDb.describeArrow(output, allocator);
        } catch (SQLException e) {
            report(at, subject + ": DuckDB cannot read the output schema of " + java.className() + " ("
                    + output + "): " + DuckDbError.parse(messageOf(e), "").headline());
            return Optional.empty();
        }
        javaOutput = Optional.of(output);
        return Optional.of(columns);
    }

    private void checkPartitionBy(StageSpec stage, Upstream upstream) {
        for (String column : stage.partitionBy()) {
            if (!upstream.produces(column)) {
                report(
                        stage.location(),
                        "stage '" + stage.name() + "' partitions by column '" + column + "'"
                                + upstream.lacking(column));
            }
        }
    }

    /**
     * @param subject how messages name the SQL's owner: {@code source} or {@code stage 'filter'}
     * @param upstream what {@code input} holds, for a stage
     */
    private Optional<List<BoundColumn>> bindQuery(
            String subject, String sql, Location sqlLocation, Optional<Upstream> upstream) throws SQLException {
        Optional<String> shapeProblem = shapeProblem(sql);
        if (shapeProblem.isPresent()) {
            report(sqlLocation, subject + ": " + shapeProblem.get());
            return Optional.empty();
        }
        DescribedQuery described;
        try {
            described = duckDb.describe(sql);
        } catch (SQLException e) {
            reportQueryError(subject, sql, sqlLocation, upstream, DuckDbError.parse(messageOf(e), sql));
            return Optional.empty();
        }
        if (described.parameters() > 0) {
            report(sqlLocation, subject + ": sql must not have parameters ('?' or '$1'): nothing fills them");
            return Optional.empty();
        }
        return checkedColumns(subject, described.columns(), sqlLocation);
    }

    /**
     * Why {@code sql} is not a single read-only query, if it is not. Empty also for text that does
     * not parse: preparing it reports the syntax error with its position, and runs nothing.
     */
    private Optional<String> shapeProblem(String sql) throws SQLException {
        ParseVerdict verdict = duckDb.parse(sql);
        List<String> verbs = SqlStatements.verbs(sql);
        int statements = Math.max(verdict.statements(), verbs.size());
        if (statements > 1) {
            return Optional.of("sql must be a single query, but it holds " + statements + " statements");
        }
        if (!verdict.parses()) {
            return Optional.empty();
        }
        if (!verdict.onlySelects()) {
            String verb = verbs.isEmpty() ? "" : verbs.get(0);
            return Optional.of("sql must be a read-only query (SELECT, FROM, VALUES or WITH ... SELECT), not "
                    + (verb.isEmpty() ? "this statement" : article(verb) + " " + verb + " statement"));
        }
        if (verdict.statements() == 0) {
            return Optional.of("sql is empty");
        }
        return Optional.empty();
    }

    private void reportQueryError(
            String subject, String sql, Location sqlLocation, Optional<Upstream> upstream, DuckDbError error) {
        Location location = error.position()
                .map(position -> SqlPositions.locate(sqlLocation, sql, position.line(), position.column()))
                .orElse(sqlLocation);
        // a column missing from a CTE or subquery, not from input, keeps DuckDB's own words
        Optional<String> missing =
                upstream.flatMap(input -> error.missingColumn().filter(column -> !producesIgnoringCase(input, column)));
        if (missing.isPresent()) {
            String column = missing.get();
            report(
                    location,
                    subject + " reads column '" + column + "'"
                            + upstream.orElseThrow().lacking(column));
        } else {
            report(location, subject + ": " + error.headline());
        }
    }

    /** The columns, unless two share a name: {@code input} and sinks need distinct names, as DuckDB compares them. */
    private Optional<List<BoundColumn>> checkedColumns(String subject, List<BoundColumn> columns, Location location) {
        Set<String> seen = new HashSet<>();
        for (BoundColumn column : columns) {
            if (!seen.add(column.name().toLowerCase(Locale.ROOT))) {
                report(
                        location,
                        subject + ": output column '" + column.name()
                                + "' appears more than once; names must be unique, ignoring case");
                return Optional.empty();
            }
        }
        return Optional.of(columns);
    }

    private static boolean producesIgnoringCase(Upstream upstream, String column) {
        return upstream.columns().stream()
                .anyMatch(candidate -> candidate.name().equalsIgnoreCase(column));
    }

    private static String article(String word) {
        return "AEIOU".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }

    private static String messageOf(SQLException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private void report(Location location, String message) {
        problems.add(new Problem(spec.file(), location, message));
    }
}
