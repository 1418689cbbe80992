package dev.skein.tests.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skein.cli.Main;
import java.net.URI;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * Test fixture: a {@code skein} command line from a deployment file, parsed by the real CLI. A
 * renamed or removed flag, a missing required one or a value of the wrong type fails here, in
 * {@code mvn verify}, instead of in a container.
 */
final class TestingSkeinCommands {
    private TestingSkeinCommands() {}

    /**
     * The parsed command.
     *
     * @param where which file and service the command line comes from, for messages
     * @param subcommand the subcommand's parse result ({@code worker}, {@code ping}, ...)
     */
    record SkeinCommand(String where, List<String> arguments, ParseResult subcommand) {
        String name() {
            return subcommand.commandSpec().name();
        }

        /** An option's value as the command will see it: given, or its default. */
        String option(String name) {
            OptionSpec option = subcommand.commandSpec().findOption(name);
            assertThat(option).as("option %s of skein %s", name, name()).isNotNull();
            Object value = option.getValue();
            assertThat(value).as("%s: value of %s", where, name).isNotNull();
            return String.valueOf(value);
        }

        /** A positional parameter's value, e.g. submit's FILE. */
        String positional(int index) {
            List<PositionalParamSpec> positionals = subcommand.commandSpec().positionalParameters();
            assertThat(positionals)
                    .as("positional parameters of skein %s", name())
                    .hasSizeGreaterThan(index);
            Object value = positionals.get(index).getValue();
            return String.valueOf(value);
        }

        int intOption(String name) {
            return Integer.parseInt(option(name));
        }

        /** The {@code [host, port]} pairs of a ZooKeeper connect string option. */
        List<HostPort> hostPorts(String name) {
            return List.of(option(name).split(",")).stream()
                    .map(HostPort::parse)
                    .toList();
        }

        URI uri(String name) {
            return URI.create(option(name));
        }
    }

    record HostPort(String host, int port) {
        static HostPort parse(String value) {
            int colon = value.lastIndexOf(':');
            assertThat(colon).as("'%s' is host:port", value).isPositive();
            return new HostPort(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
        }
    }

    /** Parses the arguments given to {@code skein} (without the word {@code skein}). */
    static SkeinCommand parse(String where, List<String> arguments) {
        assertThat(arguments).as("%s: skein without a subcommand", where).isNotEmpty();
        CommandLine commandLine = Main.commandLine();
        try {
            ParseResult result = commandLine.parseArgs(arguments.toArray(String[]::new));
            assertThat(result.hasSubcommand())
                    .as("%s: %s names a subcommand", where, arguments)
                    .isTrue();
            return new SkeinCommand(where, List.copyOf(arguments), result.subcommand());
        } catch (CommandLine.ParameterException e) {
            throw new AssertionError(
                    where + ": skein " + String.join(" ", arguments) + " is rejected by the CLI: " + e.getMessage(), e);
        }
    }

    /** The default of an option when the command line does not give it, e.g. worker --port. */
    static String defaultOf(String subcommand, String option) {
        CommandLine commandLine = Main.commandLine().getSubcommands().get(subcommand);
        assertThat(commandLine).as("skein %s", subcommand).isNotNull();
        OptionSpec spec = commandLine.getCommandSpec().findOption(option);
        assertThat(spec).as("skein %s %s", subcommand, option).isNotNull();
        return spec.defaultValue();
    }
}
