package dev.skein.cli;

import java.nio.file.Path;
import dev.skein.spec.DataRoots;
import java.util.ArrayList;
import java.util.List;
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

    /** The given data directories, else those {@code file} needs: its directory and its file sinks'. */
    DataRoots dataRoots(Path file) {
        return dataDirectories.isEmpty() ? PipelineFiles.defaultDataRoots(file) : DataRoots.of(dataDirectories);
    }

    Optional<Path> pluginsDirectory() {
        return Optional.ofNullable(plugins);
    }
}
