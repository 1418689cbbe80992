package dev.skein.cli;

import java.nio.file.Path;
import dev.skein.spec.DataRoots;
import dev.skein.spec.Placement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How {@code skein run}, {@code skein demo} start their local cluster. */
final class LocalClusterOptions {
    @Option(names = "--workers", defaultValue = "3", description = "worker processes (default ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--worker-heap", defaultValue = "1g", description = "heap of each worker JVM (default ${DEFAULT-VALUE})")
    String workerHeap;

    @Option(names = "--duckdb-threads", defaultValue = "1", description = "DuckDB threads per worker (default ${DEFAULT-VALUE})")
    int duckdbThreads;

    @Option(names = "--plugins", paramLabel = "DIR", description = "directory of Java transform jars, for the coordinator and every worker")
    Path plugins;

    @Option(names = "--auth", description = "authenticate every call, with a random cluster secret and a user"
            + " the local cluster makes for itself (printed)")
    boolean auth;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "a directory pipelines may read and write files in"
            + " (repeatable; default: the pipeline file's directory and its file sinks' directories)")
    List<Path> dataDirectories = new ArrayList<>();

    @Option(names = "--placement", paramLabel = "chain|spread", description = "run the pipeline with this placement"
            + " instead of its file's own: chain (stages joined one-to-one share a worker process) or spread"
            + " (every stage on other workers)")
    String placement;

    /**
     * The placement asked for, if any.
     *
     * @throws IllegalArgumentException naming the known placements, for an unknown one
     */
    Optional<Placement> placement() {
        if (placement == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Placement.valueOf(placement.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown placement '" + placement + "'; known: chain, spread");
        }
    }

    /** The given data directories, else those {@code file} needs: its directory and its file sinks'. */
    DataRoots dataRoots(Path file) {
        return dataDirectories.isEmpty() ? PipelineFiles.defaultDataRoots(file) : DataRoots.of(dataDirectories);
    }

    Optional<Path> pluginsDirectory() {
        return Optional.ofNullable(plugins);
    }
}
