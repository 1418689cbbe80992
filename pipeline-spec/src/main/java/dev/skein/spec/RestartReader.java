package dev.skein.spec;

import static dev.skein.spec.YamlValues.describe;
import static dev.skein.spec.YamlValues.location;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Reads the optional {@code restart} mapping of a pipeline file; absent keys take the defaults. */
final class RestartReader {
    static final List<String> KEYS = List.of("attempts", "backoff");
    private static final Pattern ATTEMPTS = Pattern.compile("[0-9]{1,3}");
    private static final int MAX_ATTEMPTS = 100;

    private final Problems problems;

    RestartReader(Problems problems) {
        this.problems = problems;
    }

    Optional<RestartSpec> read(Node value) {
        if (!(value instanceof MappingNode node)) {
            problems.add(location(value), "'restart' must be a mapping with keys attempts, backoff, got "
                    + describe(value));
            return Optional.empty();
        }
        YamlMapping restart = new YamlMapping(node, "restart", location(node), KEYS, List.of(), problems);
        Optional<Integer> attempts = restart.value("attempts")
                .map(this::attempts)
                .orElse(Optional.of(RestartSpec.DEFAULT.attempts()));
        Optional<Duration> backoff = restart.value("backoff")
                .map(this::backoff)
                .orElse(Optional.of(RestartSpec.DEFAULT.backoff()));
        if (attempts.isEmpty() || backoff.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RestartSpec(attempts.get(), backoff.get()));
    }

    private Optional<Integer> attempts(Node value) {
        if (value instanceof ScalarNode scalar && ATTEMPTS.matcher(scalar.getValue()).matches()) {
            int attempts = Integer.parseInt(scalar.getValue());
            if (attempts <= MAX_ATTEMPTS) {
                return Optional.of(attempts);
            }
        }
        problems.add(location(value), "'attempts' must be a whole number from 0 to " + MAX_ATTEMPTS + ", got "
                + describe(value));
        return Optional.empty();
    }

    private Optional<Duration> backoff(Node value) {
        return YamlValues.duration("backoff", value, "500ms, 1s or 2m", problems);
    }
}
