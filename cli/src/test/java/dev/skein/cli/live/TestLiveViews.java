package dev.skein.cli.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The live views as a user sees them: in place on a terminal, a few plain lines in a log. */
class TestLiveViews {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final StringWriter text = new StringWriter();
    private final PrintWriter stream = new PrintWriter(text, true);

    private String printed() {
        return text.toString();
    }

    @Test
    void withoutTerminalProgressPrintsALineEveryFiveSecondsNotEveryPoll() throws Exception {
        PipelineProgress progress = new PipelineProgress(new LiveOutput(stream, false, PipelineProgress.PLAIN_EVERY_MILLIS));
        // 45 s of polls twice a second, as `run` does: 90 polls
        for (int poll = 0; poll < 90; poll++) {
            progress.update(pipeline("RUNNING", poll * 500L, poll * 1000L, poll * 900L), poll * 500L);
        }

        List<String> lines = printed().lines().toList();
        assertThat(lines).hasSize(9);
        assertThat(lines.get(1)).isEqualTo("[   5.0s] RUNNING    source 10.0k > evens 9.0k | 2.0k rows/s");
        assertThat(printed()).doesNotContain("\033[");
    }

    @Test
    void onATerminalProgressRedrawsOneLineWithARateBar() throws Exception {
        PipelineProgress progress = new PipelineProgress(new LiveOutput(stream, true, PipelineProgress.PLAIN_EVERY_MILLIS));
        progress.update(pipeline("RUNNING", 1000, 0, 0), 1000);
        progress.update(pipeline("RUNNING", 2000, 4000, 3000), 2000);
        progress.update(pipeline("RUNNING", 3000, 6000, 5000), 3000);

        String[] frames = printed().split("\n");
        assertThat(frames).hasSize(3);
        assertThat(frames[1]).isEqualTo("\033[A\r\033[2K[####################]    2.0s RUNNING    4.0k rows/s"
                + "  source 4.0k > evens 3.0k");
        // 2k rows/s now against a peak of 4k: half the bar
        assertThat(frames[2]).endsWith("[##########----------]    3.0s RUNNING    2.0k rows/s  source 6.0k > evens 5.0k");
    }

    @Test
    void topShowsRatesAndBackpressurePerStageAndWorkersMemory() throws Exception {
        TopView top = new TopView("http://coord:8080");
        JsonNode workers = MAPPER.readTree("""
                [{"id":"w1","address":"h1:8815","cores":2,"tasks":2,"heapUsedBytes":104857600,"arrowBytes":null}]""");
        top.render(MAPPER.readTree("[" + pipelineJson("RUNNING", 1000, 1000, 500, 0) + "]"), workers, 1_000);
        TopView.Rendered second = top.render(
                MAPPER.readTree("[" + pipelineJson("RUNNING", 3000, 5000, 2500, 1_000_000_000L) + "]"), workers, 3_000);

        assertThat(second.frame()).containsSubsequence(
                "PIPELINE         STATE      STAGE          TASKS    ROWS IN   ROWS OUT      IN/S     OUT/S     BP",
                "p                RUNNING    source             1          0       5.0k         0      2.0k     0%",
                "                            evens              1       5.0k       2.5k      2.0k      1.0k    50%",
                "w1                       h1:8815                    2     2  100.0 MiB          ?");
        assertThat(second.line()).isEqualTo(
                "00:00:03 | p RUNNING source 2.0k/s evens 1.0k/s bp 50% | 1 workers, heap 100.0 MiB, arrow 0 B");
    }

    @Test
    void topWithoutTerminalPrintsOneLinePerInterval() {
        LiveOutput output = new LiveOutput(stream, false, 0);
        output.show(List.of("frame"), "one", 0);
        output.show(List.of("frame"), "two", 10);
        assertThat(printed()).isEqualTo("one" + System.lineSeparator() + "two" + System.lineSeparator());
    }

    private static JsonNode pipeline(String state, long elapsedMillis, long sourceRows, long evensRows) throws Exception {
        return MAPPER.readTree(pipelineJson(state, elapsedMillis, sourceRows, evensRows, 0));
    }

    private static String pipelineJson(String state, long elapsedMillis, long sourceRows, long evensRows, long blocked) {
        double rate = elapsedMillis == 0 ? 0 : sourceRows * 1000.0 / elapsedMillis;
        return """
                {"name":"p","state":"%s","elapsedMillis":%d,"sourceRows":%d,"rowsPerSecond":%s,"stages":[
                  {"name":"source","tasks":1,"rowsIn":0,"rowsOut":%d,"inboxBlockedNanos":0},
                  {"name":"evens","tasks":1,"rowsIn":%d,"rowsOut":%d,"inboxBlockedNanos":%d}]}"""
                .formatted(state, elapsedMillis, sourceRows, rate, sourceRows, sourceRows, evensRows, blocked);
    }
}
