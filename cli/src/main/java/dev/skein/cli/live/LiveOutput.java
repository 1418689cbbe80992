package dev.skein.cli.live;

import java.io.PrintWriter;
import java.util.List;

/**
 * Where a live view goes: on a terminal each frame replaces the previous one in place; anywhere
 * else (a pipe, a file, CI) a single line is printed, at most once per {@code plainEvery}, so a
 * log holds a few lines rather than one per poll. Used by one thread.
 */
public final class LiveOutput {
    private static final String ERASE_LINE = "\033[2K";
    private static final String CURSOR_UP = "\033[A";

    private final PrintWriter out;
    private final boolean terminal;
    private final long plainEveryMillis;
    private int drawnLines;
    private long lastPlainMillis = Long.MIN_VALUE;

    /**
     * @param terminal whether {@code out} is a terminal that understands ANSI cursor movement
     * @param plainEveryMillis least time between two plain lines (0: every call prints one)
     */
    public LiveOutput(PrintWriter out, boolean terminal, long plainEveryMillis) {
        this.out = out;
        this.terminal = terminal;
        this.plainEveryMillis = plainEveryMillis;
    }

    /** Whether this process writes to a terminal (stdin and stdout are one, and TERM is not dumb). */
    public static boolean onTerminal() {
        String term = System.getenv("TERM");
        return System.console() != null && term != null && !term.equals("dumb");
    }

    public boolean terminal() {
        return terminal;
    }

    /**
     * Shows the current state: {@code frame} on a terminal, else {@code line} if the last line
     * is old enough.
     *
     * @param nowMillis the time of this state, for the pacing of plain lines
     */
    public void show(List<String> frame, String line, long nowMillis) {
        if (terminal) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < drawnLines; i++) {
                text.append(CURSOR_UP);
            }
            text.append('\r');
            for (String frameLine : frame) {
                text.append(ERASE_LINE).append(frameLine).append('\n');
            }
            // A frame shorter than the previous one leaves no stale lines below it.
            for (int i = frame.size(); i < drawnLines; i++) {
                text.append(ERASE_LINE).append('\n');
            }
            for (int i = frame.size(); i < drawnLines; i++) {
                text.append(CURSOR_UP);
            }
            out.print(text);
            out.flush();
            drawnLines = frame.size();
        } else if (lastPlainMillis == Long.MIN_VALUE || nowMillis - lastPlainMillis >= plainEveryMillis) {
            out.println(line);
            out.flush();
            lastPlainMillis = nowMillis;
        }
    }
}
