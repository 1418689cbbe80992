package dev.skein.cli;

import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.client.PipelineWatcher;
import dev.skein.spec.CsvSinkSpec;
import dev.skein.spec.DataRoots;
import dev.skein.spec.InvalidSpecException;
import dev.skein.spec.ParquetSinkSpec;
import dev.skein.spec.SinkSpec;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.Placement;
import dev.skein.spec.Problem;
import dev.skein.spec.SpecParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Submitting a pipeline file and following it to the end: shared by run, demo and submit. */
final class PipelineFiles {
    private PipelineFiles() {}

    /**
     * The data roots a local cluster needs to run {@code file}: the file's directory (relative
     * paths resolve against it) and the directory of every file sink, wherever it is. Just the
     * file's directory when the file does not parse: submitting it reports the problems.
     */
    static DataRoots defaultDataRoots(Path file) {
        Path directory = file.toAbsolutePath().normalize().getParent();
        List<Path> roots = new ArrayList<>(List.of(directory));
        try {
            for (SinkSpec sink : SpecParser.parse(file).sinks()) {
                if (sink instanceof ParquetSinkSpec parquet) {
                    roots.add(Path.of(parquet.path()));
                } else if (sink instanceof CsvSinkSpec csv) {
                    roots.add(Path.of(csv.path()));
                }
            }
        } catch (InvalidSpecException e) {
            // the submit that follows prints the problems
        }
        return DataRoots.of(roots);
    }

    /**
     * Submits {@code file}; with {@code follow}, prints progress to {@code err} and the summary to
     * {@code out} and returns 0 only if the pipeline succeeded.
     *
     * @param placement the placement to run with instead of the file's own, if given
     */
    static int submit(CoordinatorClient client, Path file, Optional<Placement> placement, boolean follow,
            PrintStream out, PrintStream err) throws IOException {
        return submit(client, file, placement, follow, false, out, err);
    }

    /** As above; with {@code json}, {@code out} gets the pipeline's JSON view instead of the summary. */
    static int submit(CoordinatorClient client, Path file, Optional<Placement> placement, boolean follow,
            boolean json, PrintStream out, PrintStream err) throws IOException {
        if (!Files.isRegularFile(file)) {
            err.println(file + ": error: no such file");
            return Main.EXIT_USAGE;
        }
        String yaml = Files.readString(file);
        PipelineSpec spec;
        try {
            spec = SpecParser.parse(file.toString(), yaml, file.toAbsolutePath().getParent());
        } catch (InvalidSpecException e) {
            e.problems().stream().map(Problem::toString).forEach(err::println);
            return Main.EXIT_FAILED;
        }
        CoordinatorClient.ApiResponse response = client.submit(file, spec.name(), yaml, placement);
        if (!response.ok()) {
            err.println("submit of '" + spec.name() + "' refused: " + response.body().path("message").asText());
            response.body().path("problems").forEach(problem -> err.println(problem.asText()));
            return Main.EXIT_FAILED;
        }
        err.println("submitted pipeline '" + spec.name() + "' (epoch " + response.body().path("epoch").asLong() + ")");
        if (!follow) {
            if (json) {
                OutputOptions.print(response.body(), out);
            }
            return Main.EXIT_OK;
        }
        JsonNode view = new PipelineWatcher(client, err).await(spec.name());
        if (json) {
            OutputOptions.print(view, out);
        } else {
            out.print(PipelineWatcher.summary(view));
        }
        return "SUCCEEDED".equals(view.path("state").asText()) ? Main.EXIT_OK : Main.EXIT_FAILED;
    }
}
