package dev.skein.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.Main;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.local.LocalCluster;
import dev.skein.testing.TestingPipelines;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import picocli.CommandLine;

/**
 * Watching a cluster as a user does: Prometheus metrics (the coordinator lists its workers with
 * their {@code /metrics} URLs, which count every row of every stage), {@code skein top}, and the
 * coordinator's web page in a real headless Chromium (skipped where none is installed).
 */
class TestMonitoring {
    private static final int ROWS = 300_000;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start(2, "384m", 1);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void workersAndCoordinatorServeMetricsThatCountEveryRow() throws Exception {
        Path file = TestingPipelines.write(dir, "counted.yaml", """
                name: counted
                placement: spread
                source:
                  type: generate
                  sql: SELECT i AS id, i %% 10 AS bucket FROM range(%d) t(i)
                  batch-rows: 10000
                stages:
                  - name: evens
                    sql: SELECT * FROM input WHERE id %% 2 = 0
                sinks:
                  - type: count
                """.formatted(ROWS));
        JsonNode end = TestingPipelines.run(cluster, file);
        assertThat(end.path("state").asText()).isEqualTo("SUCCEEDED");

        CoordinatorClient rest = new CoordinatorClient(cluster.coordinatorUrl());
        CoordinatorClient.ApiResponse workers = rest.workers();
        assertThat(workers.status()).isEqualTo(200);
        assertThat(workers.body()).hasSize(2);
        List<String> scrapes = new ArrayList<>();
        for (JsonNode worker : workers.body()) {
            assertThat(worker.path("metricsUrl").asText()).startsWith("http://").endsWith("/metrics");
            scrapes.add(get(worker.path("metricsUrl").asText()));
        }
        String all = String.join("\n", scrapes);
        // Scraped once above, the workers now answer the coordinator's scrape well within its timeout.
        for (JsonNode worker : rest.workers().body()) {
            assertThat(worker.path("heapUsedBytes").asLong()).as("heap of %s", worker).isPositive();
            assertThat(worker.path("arrowBytes").isNumber()).as("arrow memory of %s", worker).isTrue();
        }

        assertThat(sum(all, "skein_task_rows_out_total", "pipeline=\"counted\",stage=\"source\"")).isEqualTo(ROWS);
        assertThat(sum(all, "skein_task_rows_in_total", "pipeline=\"counted\",stage=\"evens\"")).isEqualTo(ROWS);
        assertThat(sum(all, "skein_task_rows_out_total", "pipeline=\"counted\",stage=\"evens\"")).isEqualTo(ROWS / 2);
        assertThat(sum(all, "skein_task_batches_out_total", "pipeline=\"counted\",stage=\"source\""))
                .isEqualTo(ROWS / 10_000);
        // spread placement: every source batch crossed to the other worker over Flight
        assertThat(sum(all, "skein_edge_sent_bytes_total", "pipeline=\"counted\",stage=\"source\",task=\"0\",transport=\"flight\""))
                .isEqualTo(sum(all, "skein_task_output_bytes_total", "pipeline=\"counted\",stage=\"source\""))
                .isPositive();
        assertThat(total(all, "skein_task_duckdb_seconds_total", "pipeline=\"counted\",stage=\"evens\"")).isPositive();
        assertThat(all).contains("skein_task_inbox_depth{", "skein_task_inbox_blocked_seconds_total{",
                "skein_task_send_seconds_total{", "skein_task_tap_dropped_total{", "skein_arrow_allocated_bytes{",
                "jvm_memory_used_bytes{");

        String coordinator = get(cluster.coordinatorUrl() + "/metrics");
        assertThat(sum(coordinator, "skein_workers", "")).isEqualTo(2);
        assertThat(sum(coordinator, "skein_pipelines", "state=\"SUCCEEDED\"")).isEqualTo(1);
        assertThat(coordinator).contains("jvm_memory_used_bytes{");
    }

    @Test
    void topPrintsOneLinePerIntervalWithEveryStageRate() throws Exception {
        startEndless("topped");
        try {
            StringWriter out = new StringWriter();
            CommandLine command = Main.commandLine();
            command.setOut(new PrintWriter(out, true));

            int exit = command.execute("top", "--coordinator", cluster.coordinatorUrl(), "--iterations", "3",
                    "--interval", "500ms");

            assertThat(exit).isZero();
            List<String> lines = out.toString().lines().toList();
            assertThat(lines).hasSize(3);
            // the last line has rates from the interval before it; rows keep flowing, so they are not 0
            assertThat(lines.get(2)).matches(".*\\| topped RUNNING source [0-9.]+[kM]/s doubled [0-9.]+[kM]/s.*")
                    .contains(" | 2 workers, heap ").doesNotContain("heap 0 B");
        } finally {
            new CoordinatorClient(cluster.coordinatorUrl()).cancel("topped");
        }
    }

    @Test
    void webPageShowsARunningPipelinesStagesWithRatesThatChange() throws Exception {
        Optional<Path> chromium = executable("chromium", "chromium-browser", "google-chrome");
        Optional<Path> driver = executable("chromedriver");
        assumeTrue(chromium.isPresent() && driver.isPresent(),
                "no headless browser here: the web page test needs chromium and chromedriver on the PATH"
                        + " (Debian: apt-get install chromium chromium-driver)");
        startEndless("paged");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driver.get().toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(chromium.get().toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1400,900");
        WebDriver browser = new ChromeDriver(service, options);
        try {
            browser.get(cluster.coordinatorUrl() + "/");
            JavascriptExecutor page = (JavascriptExecutor) browser;
            String stage = "div.pipeline[data-pipeline='paged'] tr[data-stage='doubled'] ";
            await().atMost(Duration.ofSeconds(30)).until(() -> number(page, stage + "td.rate-out") > 0);
            long rowsBefore = number(page, stage + "td.rows-out");
            await().atMost(Duration.ofSeconds(30)).until(() -> number(page, stage + "td.rows-out") > rowsBefore);

            assertThat(text(page, "div.pipeline[data-pipeline='paged'] .state")).isEqualTo("RUNNING");
            assertThat(text(page, "div.pipeline[data-pipeline='paged'] tr[data-stage='source'] td")).isEqualTo("source");
            assertThat(number(page, "div.pipeline[data-pipeline='paged'] tr[data-stage='source'] td.rate-out"))
                    .isPositive();
            assertThat((Long) page.executeScript("return document.querySelectorAll('tr.worker').length"))
                    .isEqualTo(2L);
            assertThat(text(page, stage + "pre.tap-cli")).isEqualTo("skein tap paged/doubled --coordinator-flight 127.0.0.1:"
                    + cluster.coordinatorFlightAddress().split(":")[1] + " --limit 20 --format csv");
            assertThat(text(page, stage + "pre.tap-python")).contains("FlightDescriptor.for_path(\"paged\", \"doubled\")");
            assertThat(text(page, "#error")).isEmpty();
            // what the page looked like, for whoever reads the build's output
            Files.write(Path.of("target", "web-page.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } finally {
            browser.quit();
            service.stop();
            new CoordinatorClient(cluster.coordinatorUrl()).cancel("paged");
        }
    }

    /** Submits a pipeline that runs until cancelled, and waits until its rows flow. */
    private void startEndless(String name) throws Exception {
        Path file = TestingPipelines.write(dir, name + ".yaml", """
                name: %s
                placement: spread
                source:
                  type: generate
                  sql: SELECT i AS id, (i %% 1000) / 10.0 AS value FROM range(2000000000) t(i)
                  batch-rows: 8192
                stages:
                  - name: doubled
                    sql: SELECT id, value * 2 AS doubled FROM input
                sinks:
                  - type: count
                """.formatted(name));
        assertThat(TestingPipelines.submit(cluster, file).status()).isEqualTo(201);
        CoordinatorClient rest = new CoordinatorClient(cluster.coordinatorUrl());
        await().atMost(Duration.ofSeconds(60)).until(() ->
                rest.get(name).body().path("stages").get(1).path("rowsOut").asLong() > 0);
    }

    private static String text(JavascriptExecutor page, String selector) {
        Object text = page.executeScript("const e = document.querySelector(arguments[0]); return e ? e.textContent : null",
                selector);
        return text == null ? "" : text.toString();
    }

    /** A number the page shows, "1,234,567" as 1234567; -1 while the element is not there. */
    private static long number(JavascriptExecutor page, String selector) {
        String text = text(page, selector).replace(",", "");
        return text.isEmpty() ? -1 : Long.parseLong(text);
    }

    private static Optional<Path> executable(String... names) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : names) {
                Path candidate = Path.of(directory, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", url).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/plain"));
        return response.body();
    }

    /** The sum of the samples of {@code metric} whose labels contain {@code labels}, rounded. */
    private static long sum(String text, String metric, String labels) {
        return Math.round(total(text, metric, labels));
    }

    /** The sum of the samples of {@code metric} whose labels contain {@code labels}. */
    private static double total(String text, String metric, String labels) {
        Pattern sample = Pattern.compile("^" + Pattern.quote(metric) + "(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);
        Matcher matcher = sample.matcher(text);
        double sum = 0;
        while (matcher.find()) {
            if (matcher.group(1) == null ? labels.isEmpty() : matcher.group(1).contains(labels)) {
                sum += Double.parseDouble(matcher.group(2));
            }
        }
        return sum;
    }
}
