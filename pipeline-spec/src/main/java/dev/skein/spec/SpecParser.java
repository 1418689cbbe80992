package dev.skein.spec;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a pipeline file (YAML version 1, see DESIGN.md) into a {@link PipelineSpec}, checking it
 * completely: a file with problems fails with an {@link InvalidSpecException} that lists every
 * problem found, each as {@code file:line:col: error: message}, sorted by position.
 *
 * <p>Stateless and thread-safe.
 */
public final class SpecParser {
    /** What pipeline and stage names look like: {@code [a-z][a-z0-9_-]*}. */
    public static final Pattern NAME_PATTERN = Pattern.compile("[a-z][a-z0-9_-]*");

    private SpecParser() {}

    /**
     * Parses and validates pipeline YAML held in memory.
     *
     * @param file the file name shown in problems, as the user gave it
     * @param yamlText the file's content
     * @param baseDir the directory relative {@code path:} values are resolved against (normally the
     *     file's directory); resolved paths are absolute and normalized
     * @return the pipeline, never null
     * @throws InvalidSpecException listing every problem if the text is not a valid pipeline
     */
    public static PipelineSpec parse(String file, String yamlText, Path baseDir) {
        return parse(file, yamlText, new BaseDirectory(baseDir, Optional.empty()), SpecLimits.NONE);
    }

    /**
     * Parses and validates pipeline YAML held in memory, as a coordinator does on submit: every
     * {@code path:} must resolve inside {@code roots}, else it is a problem at its value ({@code
     * path '/etc/passwd' is outside the data directories (/srv/data)}); URLs are refused too.
     *
     * @param file the file name shown in problems, as the user gave it
     * @param yamlText the file's content
     * @param baseDir the directory relative {@code path:} values are resolved against
     * @param roots where resolved paths must lie
     * @return the pipeline, never null
     * @throws InvalidSpecException listing every problem if the text is not a valid pipeline
     */
    public static PipelineSpec parse(String file, String yamlText, Path baseDir, DataRoots roots) {
        return parse(file, yamlText, baseDir, roots, SpecLimits.DEFAULT);
    }

    /**
     * Parses and validates pipeline YAML held in memory as {@link #parse(String, String, Path,
     * DataRoots)} does, within {@code limits}: a larger file is one problem at 1:1 ({@code file is
     * 2000000 bytes, more than the limit of 1048576}), too many stages one problem at {@code
     * stages:}'s value, a parallelism above the maximum one at its value ({@code 'parallelism'
     * must be at most 256, got 20000}).
     */
    public static PipelineSpec parse(String file, String yamlText, Path baseDir, DataRoots roots, SpecLimits limits) {
        requireNonNull(roots, "roots is null");
        requireNonNull(limits, "limits is null");
        return parse(file, yamlText, new BaseDirectory(baseDir, Optional.of(roots)), limits);
    }

    private static PipelineSpec parse(String file, String yamlText, BaseDirectory baseDirectory, SpecLimits limits) {
        requireNonNull(file, "file is null");
        requireNonNull(yamlText, "yamlText is null");
        requireNonNull(baseDirectory, "baseDirectory is null");
        Problems problems = new Problems(file);
        // cheap upper bound first: a UTF-8 byte is at most 3 bytes per Java char
        if ((long) yamlText.length() * 3 > limits.maxSpecBytes()) {
            int bytes = yamlText.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > limits.maxSpecBytes()) {
                problems.add(Location.START, "file is " + bytes + " bytes, more than the limit of "
                        + limits.maxSpecBytes());
                throw problems.toException();
            }
        }
        Optional<Node> root = compose(yamlText, problems);
        if (problems.isEmpty()) {
            PipelineReader reader = new PipelineReader(file, yamlText, baseDirectory, limits, problems);
            Optional<PipelineSpec> spec = reader.read(root.orElse(null));
            if (spec.isPresent() && problems.isEmpty()) {
                return spec.get();
            }
            throw problems.toException(reader.draft());
        }
        throw problems.toException();
    }

    /**
     * Reads (as UTF-8), parses and validates a pipeline file. Relative {@code path:} values are
     * resolved against the file's directory.
     *
     * @param yamlFile the file; problems name it as given here
     * @return the pipeline, never null
     * @throws InvalidSpecException listing every problem, or one problem at 1:1 if the file cannot
     *     be read
     */
    public static PipelineSpec parse(Path yamlFile) {
        requireNonNull(yamlFile, "yamlFile is null");
        String file = yamlFile.toString();
        String text;
        try {
            text = Files.readString(yamlFile);
        } catch (NoSuchFileException e) {
            throw unreadable(file, "no such file");
        } catch (AccessDeniedException e) {
            throw unreadable(file, "cannot read file: permission denied");
        } catch (CharacterCodingException e) {
            throw unreadable(file, "file is not valid UTF-8");
        } catch (IOException e) {
            throw unreadable(file, "cannot read file: " + decapitalize(String.valueOf(e.getMessage())));
        }
        Path parent = yamlFile.toAbsolutePath().getParent();
        return parse(file, text, parent != null ? parent : yamlFile.toAbsolutePath());
    }

    private static InvalidSpecException unreadable(String file, String message) {
        return new InvalidSpecException(List.of(new Problem(file, Location.START, message)));
    }

    /** The document's root node, or empty for a file without one; a YAML syntax error is a problem. */
    private static Optional<Node> compose(String yamlText, Problems problems) {
        try {
            // composing keeps duplicate keys and positions; YamlMapping reports the duplicates
            return Optional.ofNullable(new Yaml().compose(new StringReader(yamlText)));
        } catch (MarkedYAMLException e) {
            problems.add(location(e.getProblemMark()), syntaxMessage(e));
        } catch (YAMLException e) {
            // limits without a position, such as too many aliases (a "billion laughs" file)
            problems.add(Location.START, decapitalize(String.valueOf(e.getMessage())));
        }
        return Optional.empty();
    }

    /** SnakeYAML's problem, with its context: {@code expected ... (while parsing ... at 2:4)}. */
    private static String syntaxMessage(MarkedYAMLException e) {
        String problem = e.getProblem() == null
                ? decapitalize(String.valueOf(e.getMessage()))
                : e.getProblem().replaceFirst("^but ", "");
        if (e.getContext() == null) {
            return problem;
        }
        Mark contextMark = e.getContextMark();
        return problem + " (" + e.getContext() + (contextMark == null ? "" : " at " + location(contextMark)) + ")";
    }

    /** Messages start lower-case, like the parser's own. */
    private static String decapitalize(String message) {
        return message.isEmpty() ? message : message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
    }

    private static Location location(Mark mark) {
        return mark == null ? Location.START : new Location(mark.getLine() + 1, mark.getColumn() + 1);
    }
}
