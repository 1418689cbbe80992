package dev.skein.spec;

import static dev.skein.spec.YamlValues.describe;
import static dev.skein.spec.YamlValues.location;

import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Walks the composed YAML tree of one pipeline file, reporting every problem to {@link Problems}.
 * One instance per parse.
 */
final class PipelineReader {
    static final List<String> KEYS = List.of("name", "source", "stages", "sinks", "placement", "restart");
    private static final List<String> PLACEMENTS =
            java.util.Arrays.stream(Placement.values()).map(Placement::yamlName).toList();

    private final String file;
    private final Problems problems;
    private final SourceReader sourceReader;
    private final StageReader stageReader;
    private final SinkReader sinkReader;
    private final RestartReader restartReader;
    private Optional<SpecDraft> draft = Optional.empty();

    PipelineReader(String file, String yamlText, BaseDirectory baseDirectory, SpecLimits limits, Problems problems) {
        SourceText text = new SourceText(yamlText);
        this.file = file;
        this.problems = problems;
        this.sourceReader = new SourceReader(problems, text, baseDirectory);
        this.stageReader = new StageReader(problems, text, limits);
        this.sinkReader = new SinkReader(problems, baseDirectory);
        this.restartReader = new RestartReader(problems);
    }

    /** What read cleanly, once {@link #read} found problems in a file that is a pipeline mapping. */
    Optional<SpecDraft> draft() {
        return draft;
    }

    /**
     * The pipeline, or empty if any problem was found.
     *
     * @param root the document's root node; null for a file without a document
     */
    Optional<PipelineSpec> read(Node root) {
        if (root == null || YamlValues.isNull(root)) {
            problems.add(Location.START, "file is empty");
            return Optional.empty();
        }
        if (!(root instanceof MappingNode node)) {
            problems.add(location(root), "pipeline must be a mapping, got " + describe(root));
            return Optional.empty();
        }
        YamlMapping pipeline = new YamlMapping(node, "pipeline", location(node), KEYS, List.of(), problems);
        Optional<String> name = pipeline.required("name")
                .flatMap(nameValue -> YamlValues.name("name", nameValue, "pipeline name", problems));
        Optional<SourceSpec> source = pipeline.required("source")
                .flatMap(sourceValue -> sourceReader.read(pipeline.keyLocation("source").orElseThrow(), sourceValue));
        Optional<List<StageSpec>> stages = pipeline.required("stages").flatMap(stageReader::readAll);
        Optional<List<SinkSpec>> sinks =
                pipeline.value("sinks").map(sinkReader::readAll).orElse(Optional.of(List.of()));
        Optional<Placement> placement = pipeline.value("placement")
                .map(value -> YamlValues.oneOf("placement", value, "placement", "placements", PLACEMENTS, List.of(),
                                problems)
                        .map(text -> Placement.valueOf(text.toUpperCase(java.util.Locale.ROOT))))
                .orElse(Optional.of(Placement.CHAIN));
        Optional<RestartSpec> restart =
                pipeline.value("restart").map(restartReader::read).orElse(Optional.of(RestartSpec.DEFAULT));
        draft = Optional.of(new SpecDraft(file, name, source, stageReader.lastRead()));
        if (!problems.isEmpty() || name.isEmpty() || source.isEmpty() || stages.isEmpty() || sinks.isEmpty()
                || placement.isEmpty() || restart.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PipelineSpec(
                name.get(), source.get(), stages.get(), sinks.get(), file, placement.get(), restart.get()));
    }
}
