package dev.skein.coordinator.binding;

import java.util.Optional;
import java.util.List;
import dev.skein.spec.StageSpec;
import dev.skein.spec.SpecDraft;
import dev.skein.spec.RestartSpec;
import dev.skein.spec.Problem;
import dev.skein.spec.Placement;
import static java.util.Objects.requireNonNull;

import dev.skein.cluster.PreAggregation;
import dev.skein.spec.DataRoots;
import dev.skein.spec.InvalidSpecException;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.SqlTransformSpec;
import dev.skein.spec.StageMode;
import dev.skein.spec.StageSpec;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.spi.plugin.TransformLoader;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Binds a pipeline's SQL in DuckDB without reading data: the source's query or files, then every
 * stage's SQL against an empty {@code input} holding exactly its upstream's columns, and every Java
 * stage's class against its upstream's Arrow schema (the class must be found, implement {@code
 * dev.skein.spi.BatchTransform}, and declare an output schema DuckDB can read). Used by the
 * coordinator on submit and by {@code skein validate}, so both reject the same pipelines with the
 * same {@code file:line:col} problems.
 *
 * <p>Problems, each at the file position shown ({@code <sql>} is where the SQL text starts,
 * {@code <caret>} where DuckDB's caret points inside it, mapped through {@link
 * dev.skein.spec.SqlPositions}):
 *
 * <ul>
 *   <li>{@code <caret>}: {@code stage 'filter' reads column 'valu', which the source does not
 *       produce; did you mean 'value'?} (a column missing from {@code input}, unqualified or as
 *       {@code input.valu}; the upstream is {@code the source} or {@code upstream stage 'x'};
 *       with nothing close the tail is {@code ; it produces: id, category, value})
 *   <li>{@code <caret>}, or {@code <sql>} without one: {@code stage 'filter': <DuckDB's first
 *       message line>}, e.g. {@code stage 'filter': Parser Error: syntax error at or near "value"};
 *       for the source query {@code source: <DuckDB's first message line>}
 *   <li>the {@code path:} value: {@code source: IO Error: No files found that match the pattern
 *       "/abs/missing.parquet"} (any DuckDB error reading a parquet or csv source)
 *   <li>the stage's list item: {@code stage 'enrich' partitions by column 'categry', which upstream
 *       stage 'filter' does not produce; did you mean 'category'?} (names match exactly, as Arrow
 *       fields do)
 *   <li>{@code <sql>}: {@code stage 'x': sql must be a single query, but it holds 2 statements};
 *       {@code stage 'x': sql must be a read-only query (SELECT, FROM, VALUES or WITH ... SELECT),
 *       not an INSERT statement}; {@code stage 'x': sql is empty}; {@code stage 'x': sql must not
 *       have parameters ('?' or '$1'): nothing fills them}; {@code stage 'x': output column 'a'
 *       appears more than once; names must be unique, ignoring case} (the same with {@code source:})
 *   <li>a Java stage's {@code class:} value: {@code stage 'x': class 'com.example.Nope' not found};
 *       {@code stage 'x': class 'com.example.Foo' does not implement dev.skein.spi.BatchTransform};
 *       {@code stage 'x': class 'com.example.Foo' has no public no-argument constructor} (and other
 *       {@link TransformLoader} problems); {@code stage 'x': com.example.Foo.outputSchema threw
 *       IllegalArgumentException: <its message>} (the same for its constructor, {@code open} and
 *       {@code close}); {@code stage 'x': DuckDB cannot read the output schema of com.example.Foo
 *       (<schema>): <DuckDB's message>}; and the duplicate column problem above
 * </ul>
 *
 * <p>Validating a Java stage runs its class's constructor, {@code open}, {@code outputSchema} and
 * {@code close} in this JVM (with no data), with a child of the binder's own Arrow allocator.
 *
 * <p>Holds one in-memory DuckDB connection (one thread, small memory limit). Thread-safe: calls
 * are serialized on this object.
 */
public final class SqlBinder implements AutoCloseable {
    private final InMemoryDuckDb duckDb;
    private final TransformLoader transforms;
    private final BufferAllocator allocator;

    // guarded by this
    private boolean closed;

    private SqlBinder(InMemoryDuckDb duckDb, TransformLoader transforms) {
        this.duckDb = duckDb;
        this.transforms = transforms;
        this.allocator = new RootAllocator();
    }

    /**
     * Opens the in-memory DuckDB; Java stages' classes are looked up on the class path only. Close
     * the binder to release it.
     *
     * @throws SkeinException ({@link ErrorCode#INTERNAL}) if DuckDB cannot start
     */
    public static SqlBinder open() {
        return open(TransformLoader.classPathOnly());
    }

    /**
     * Opens the in-memory DuckDB confined to no directory: SQL that reads a file, and any {@code
     * parquet} or {@code csv} source, fails to bind.
     *
     * @param transforms where Java stages' classes are looked up; stays owned by the caller, who
     *     closes it after the binder
     * @throws SkeinException ({@link ErrorCode#INTERNAL}) if DuckDB cannot start
     */
    public static SqlBinder open(TransformLoader transforms) {
        return open(transforms, DataRoots.none());
    }

    /**
     * Opens the in-memory DuckDB; close the binder to release it. The DuckDB is confined as the
     * workers' is: files only inside {@code roots}, no extension loaded, configuration locked, so
     * {@code read_csv('/etc/passwd')} in a stage is a problem at its position ({@code stage 'x':
     * Permission Error: Cannot access file "/etc/passwd" - file system operations are disabled by
     * configuration}).
     *
     * @param transforms where Java stages' classes are looked up; stays owned by the caller, who
     *     closes it after the binder
     * @param roots the data roots a pipeline's files must lie in
     * @throws SkeinException ({@link ErrorCode#INTERNAL}) if DuckDB cannot start
     */
    public static SqlBinder open(TransformLoader transforms, DataRoots roots) {
        try {
            return new SqlBinder(InMemoryDuckDb.open(roots), transforms);
        } catch (SQLException e) {
            throw new SkeinException(
                    ErrorCode.INTERNAL, "cannot open an in-memory DuckDB to bind SQL: " + e.getMessage(), e);
        }
    }

    /**
     * Binds the source and every stage, in order. A stage after one that failed to bind is not
     * bound (its problems would only repeat the first).
     *
     * @return the columns along every edge
     * @throws InvalidSpecException with every problem found, sorted by location
     * @throws IllegalStateException if the binder is closed
     * @throws SkeinException ({@link ErrorCode#INTERNAL}) if DuckDB fails on something other than
     *     the pipeline's SQL
     */
    public synchronized BoundPipeline bind(PipelineSpec spec) {
        requireNonNull(spec, "spec is null");
        if (closed) {
            throw new IllegalStateException("the SQL binder is closed");
        }
        try {
            return new PipelineBinding(duckDb, transforms, allocator, spec).bind();
        } catch (SQLException e) {
            throw new SkeinException(
                    ErrorCode.INTERNAL,
                    "DuckDB failed while binding pipeline '" + spec.name() + "': " + e.getMessage(),
                    e);
        }
    }

    /**
     * The {@code final} stages of a bound pipeline whose GROUP BY can be pre-aggregated upstream
     * (see {@link AggregateSplitter}): stages with one task, or hash-partitioned on group keys, or
     * fed one-to-one. Whether a split is worth running is the planner's call.
     *
     * @throws SkeinException ({@link ErrorCode#INTERNAL}) if DuckDB fails on something other than
     *     the generated queries
     */
    public synchronized List<PreAggregation> splitAggregates(BoundPipeline bound) {
        if (closed) {
            throw new IllegalStateException("the SQL binder is closed");
        }
        PipelineSpec spec = bound.spec();
        AggregateSplitter splitter = new AggregateSplitter(duckDb);
        List<PreAggregation> splits = new ArrayList<>();
        for (int i = 0; i < spec.stages().size(); i++) {
            StageSpec stage = spec.stages().get(i);
            // An auto stage's task count is known only at plan time: equal to an auto upstream's.
            int upstreamTasks = i == 0 ? 1 : spec.stages().get(i - 1).parallelism();
            boolean eachTaskSeesItsGroups = stage.parallelism() == 1
                    || !stage.partitionBy().isEmpty()
                    || stage.parallelism() == upstreamTasks;
            if (!(stage.transform() instanceof SqlTransformSpec sql) || sql.mode() != StageMode.FINAL
                    || !eachTaskSeesItsGroups) {
                continue;
            }
            List<String> keys = stage.parallelism() == 1 ? List.of() : stage.partitionBy();
            try {
                Optional<AggregateSplitter.Split> split = splitter.split(
                        sql.sql(), bound.inputOf(stage.name()), bound.outputOf(stage.name()), keys);
                int planStage = i + 1;
                split.ifPresent(s -> splits.add(new PreAggregation(planStage, s.partialSql(), s.combineSql())));
            } catch (SQLException e) {
                throw new SkeinException(ErrorCode.INTERNAL,
                        "DuckDB failed while splitting stage '" + stage.name() + "': " + e.getMessage(), e);
            }
        }
        return List.copyOf(splits);
    }

    /**
     * The SQL problems of a file that has structural ones too: binds the source and every stage
     * that read cleanly, each against the output of the nearest sound stage before it (a stage
     * with a problem of its own is skipped), so one run reports everything. Empty if the source
     * did not read cleanly (nothing has columns then).
     */
    public synchronized List<Problem> problemsOf(SpecDraft draft) {
        requireNonNull(draft, "draft is null");
        if (draft.source().isEmpty()) {
            return List.of();
        }
        List<StageSpec> sound = draft.stages().stream().flatMap(Optional::stream).toList();
        PipelineSpec partial = new PipelineSpec(draft.name().orElse("pipeline"), draft.source().get(), sound,
                List.of(), draft.file(), Placement.CHAIN, RestartSpec.DEFAULT);
        try {
            bind(partial);
            return List.of();
        } catch (InvalidSpecException e) {
            return e.problems();
        }
    }

    /**
     * {@code failure}'s problems together with those of binding what read cleanly ({@link
     * #problemsOf}), in file order: what a user sees for a file with structural problems.
     */
    public InvalidSpecException withSqlProblems(InvalidSpecException failure) {
        if (failure.draft().isEmpty()) {
            return failure;
        }
        java.util.Set<Problem> all = new java.util.LinkedHashSet<>(failure.problems());
        all.addAll(problemsOf(failure.draft().get()));
        if (all.size() == failure.problems().size()) {
            return failure;
        }
        List<Problem> sorted = new java.util.ArrayList<>(all);
        sorted.sort(java.util.Comparator.comparingInt((Problem problem) -> problem.location().line())
                .thenComparingInt(problem -> problem.location().column()));
        return new InvalidSpecException(sorted, failure.draft());
    }

    /** Closes the DuckDB connection; later calls do nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            duckDb.close();
        } catch (SQLException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot close the SQL binder's DuckDB: " + e.getMessage(), e);
        } finally {
            // throws if a Java stage's class leaked memory while it was validated: a real leak
            allocator.close();
        }
    }
}
