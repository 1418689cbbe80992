package dev.skein.spec;

import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The raw lines of a pipeline file, to find where a scalar's content starts: SnakeYAML marks the
 * start of a node, which for a block scalar is its {@code |} indicator and for a quoted scalar its
 * quote (or anchor, or tag).
 */
final class SourceText {
    private final List<String> lines = new ArrayList<>();

    SourceText(String text) {
        // the same line breaks SnakeYAML counts, so that its line numbers index this list
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                lines.add(text.substring(start, i));
                i += c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n' ? 2 : 1;
                start = i;
            } else {
                i++;
            }
        }
        lines.add(text.substring(start));
    }

    /**
     * Where the first character of a scalar's content is. For a literal block scalar ({@code |})
     * this is the first content line (the line after the indicator, even when it is empty) at the
     * block's indentation, so that line k, column c of the value is at line + k - 1, column + c - 1.
     * For a quoted scalar it is the character after the opening quote.
     */
    Location contentStart(ScalarNode node) {
        Mark mark = node.getStartMark();
        int line = mark.getLine();
        ScalarStyle style = node.getScalarStyle();
        if (style == ScalarStyle.LITERAL) {
            return literalStart(node, line);
        }
        if (style == ScalarStyle.FOLDED) {
            return foldedStart(node, line);
        }
        int column = skipProperties(line(line), mark.getColumn());
        if (style == ScalarStyle.DOUBLE_QUOTED || style == ScalarStyle.SINGLE_QUOTED) {
            column++;
        }
        return new Location(line + 1, column + 1);
    }

    private Location literalStart(ScalarNode node, int indicatorLine) {
        String[] valueLines = node.getValue().split("\n", -1);
        for (int k = 0; k < valueLines.length; k++) {
            if (!valueLines[k].isEmpty()) {
                // a literal keeps each line as written minus the block's indentation
                String fileLine = line(indicatorLine + 1 + k);
                int indent = fileLine.codePointCount(0, fileLine.length())
                        - valueLines[k].codePointCount(0, valueLines[k].length());
                return new Location(indicatorLine + 2, Math.max(indent, 0) + 1);
            }
        }
        return new Location(indicatorLine + 2, node.getStartMark().getColumn() + 1);
    }

    private Location foldedStart(ScalarNode node, int indicatorLine) {
        // folding joins lines, so only the first content character can be placed exactly
        for (int index = indicatorLine + 1; index < lines.size(); index++) {
            String fileLine = line(index);
            if (!fileLine.isBlank()) {
                int indent = 0;
                while (Character.isWhitespace(fileLine.charAt(indent))) {
                    indent++;
                }
                return new Location(index + 1, indent + 1);
            }
        }
        return new Location(indicatorLine + 2, node.getStartMark().getColumn() + 1);
    }

    /**
     * Skips an anchor ({@code &a}) and a tag ({@code !!str}) written before a scalar; columns count
     * code points, as SnakeYAML's do.
     */
    private static int skipProperties(String line, int column) {
        if (column > line.codePointCount(0, line.length())) {
            return column;
        }
        int start = line.offsetByCodePoints(0, column);
        int i = start;
        while (i < line.length() && (line.charAt(i) == '&' || line.charAt(i) == '!')) {
            while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
        }
        return i < line.length() ? column + line.codePointCount(start, i) : column;
    }

    private String line(int index) {
        return index < lines.size() ? lines.get(index) : "";
    }
}
