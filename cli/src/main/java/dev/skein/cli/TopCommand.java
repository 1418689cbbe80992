package dev.skein.cli;

import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.live.LiveOutput;
import dev.skein.cli.live.TopView;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

@Command(mixinStandardHelpOptions = true, name = "top",
        description = "Live view of pipelines (rows/s in and out, backpressure per stage) and workers (memory):"
                + " redrawn in place on a terminal, one line per interval otherwise.")
final class TopCommand implements Callable<Integer> {
    @Mixin
    CoordinatorOptions coordinator;

    @Option(names = "--interval", defaultValue = "1s", converter = DurationConverter.class,
            description = "time between refreshes, e.g. 500ms, 2s (default ${DEFAULT-VALUE})")
    Duration interval;

    @Option(names = "--iterations", defaultValue = "0", description = "stop after this many refreshes (default: run until interrupted)")
    int iterations;

    @Mixin
    LoginOptions login;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        CoordinatorClient client = coordinator.client(login.credentials());
        LiveOutput output = new LiveOutput(spec.commandLine().getOut(), LiveOutput.onTerminal(), 0);
        TopView view = new TopView(coordinator.coordinator);
        for (int shown = 0; iterations == 0 || shown < iterations; shown++) {
            if (shown > 0) {
                TimeUnit.MILLISECONDS.sleep(interval.toMillis());
            }
            CoordinatorClient.ApiResponse pipelines = client.list();
            CoordinatorClient.ApiResponse workers = client.workers();
            if (!pipelines.ok() || !workers.ok()) {
                CoordinatorClient.ApiResponse failed = pipelines.ok() ? workers : pipelines;
                System.err.println("error: " + failed.body().path("message").asText());
                return Main.EXIT_FAILED;
            }
            TopView.Rendered rendered = view.render(pipelines.body(), workers.body(), System.currentTimeMillis());
            output.show(rendered.frame(), rendered.line(), System.currentTimeMillis());
        }
        return Main.EXIT_OK;
    }

    /** {@code 500ms}, {@code 2s}, {@code 1m}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String text = value.trim().toLowerCase(Locale.ROOT);
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            if (text.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
            }
            if (text.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
            }
            throw new TypeConversionException("'" + value + "' is not a duration like 500ms, 2s or 1m");
        }
    }
}
