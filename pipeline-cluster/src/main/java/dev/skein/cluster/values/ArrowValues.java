package dev.skein.cluster.values;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.PeriodDuration;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * The one rendering of Arrow values for people and scripts: the result preview, the REST views and
 * {@code skein tap} all go through here. {@link #json} gives a JSON value per Arrow type (numbers as
 * numbers, null as null, DATE/TIME/TIMESTAMP as ISO-8601 text, DECIMAL exact, LIST as an array,
 * STRUCT and MAP as objects); {@link #text} prints such a value in a table or CSV cell.
 */
public final class ArrowValues {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ISO_LOCAL_DATE_TIME;
    private static final DateTimeFormatter OFFSET = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    /** Doubles in this range are printed without an exponent, as DuckDB prints them. */
    private static final double PLAIN_MIN = 1e-6;
    private static final double PLAIN_MAX = 1e16;

    private ArrowValues() {}

    /** The value at {@code row} of {@code vector} as JSON; never Java null (a null value is JSON null). */
    public static JsonNode json(ValueVector vector, int row) {
        if (vector.isNull(row)) {
            return NODES.nullNode();
        }
        ArrowType type = vector.getField().getType();
        switch (type.getTypeID()) {
            case Null:
                return NODES.nullNode();
            case Bool:
                return NODES.booleanNode(((BitVector) vector).get(row) != 0);
            case Int:
                if (vector instanceof UInt8Vector) {
                    return NODES.numberNode(((UInt8Vector) vector).getObjectNoOverflow(row));
                }
                return NODES.numberNode(((BaseIntVector) vector).getValueAsLong(row));
            case FloatingPoint:
                return floating(vector, row);
            case Decimal:
                return NODES.numberNode((BigDecimal) vector.getObject(row));
            case Date:
                return NODES.textNode(date(vector, row).toString());
            case Time:
                return NODES.textNode(DateTimeFormatter.ISO_LOCAL_TIME.format(time(vector, row)));
            case Timestamp:
                return NODES.textNode(timestamp((TimeStampVector) vector, (ArrowType.Timestamp) type, row));
            case Utf8:
            case LargeUtf8:
            case Utf8View:
                return NODES.textNode(vector.getObject(row).toString());
            case Binary:
            case LargeBinary:
            case FixedSizeBinary:
            case BinaryView:
                return NODES.textNode(hex((byte[]) vector.getObject(row)));
            case Map:
                return map((MapVector) vector, row);
            case List:
                ListVector list = (ListVector) vector;
                return array(list.getDataVector(), list.getElementStartIndex(row), list.getElementEndIndex(row));
            case LargeList:
                LargeListVector large = (LargeListVector) vector;
                return array(large.getDataVector(), Math.toIntExact(large.getElementStartIndex(row)),
                        Math.toIntExact(large.getElementEndIndex(row)));
            case FixedSizeList:
                FixedSizeListVector fixed = (FixedSizeListVector) vector;
                return array(fixed.getDataVector(), fixed.getElementStartIndex(row), fixed.getElementEndIndex(row));
            case Struct:
                ObjectNode object = NODES.objectNode();
                for (ValueVector child : ((StructVector) vector).getChildrenFromFields()) {
                    object.set(child.getName(), json(child, row));
                }
                return object;
            case Interval:
                Object interval = vector.getObject(row);
                return NODES.textNode(interval instanceof PeriodDuration
                        ? interval((PeriodDuration) interval)
                        : interval.toString());
            default:
                // Durations (java.time.Duration, ISO-8601), unions: Arrow's own objects print readably.
                return NODES.textNode(vector.getObject(row).toString());
        }
    }

    /**
     * A JSON value as one table or CSV cell: text without quotes, numbers in full (no exponent for
     * everyday magnitudes), null as {@code nullText}, LIST and STRUCT as compact JSON.
     */
    public static String text(JsonNode value, String nullText) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return nullText;
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isFloatingPointNumber()) {
            return value.isBigDecimal() ? value.decimalValue().toPlainString() : plain(value.doubleValue());
        }
        return value.toString();
    }

    private static JsonNode floating(ValueVector vector, int row) {
        double value = vector instanceof Float4Vector
                // A float widened to double prints 0.1f as 0.10000000149011612; its own digits are exact.
                ? Double.parseDouble(Float.toString(((Float4Vector) vector).get(row)))
                : ((FloatingPointVector) vector).getValueAsDouble(row);
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return NODES.textNode(Double.toString(value)); // JSON has no NaN or Infinity
        }
        return NODES.numberNode(value);
    }

    private static String plain(double value) {
        double magnitude = Math.abs(value);
        if (magnitude == 0 || (magnitude >= PLAIN_MIN && magnitude < PLAIN_MAX)) {
            return BigDecimal.valueOf(value).toPlainString();
        }
        return Double.toString(value);
    }

    private static LocalDate date(ValueVector vector, int row) {
        if (vector instanceof DateDayVector) {
            return LocalDate.ofEpochDay(((DateDayVector) vector).get(row));
        }
        return LocalDate.ofEpochDay(Math.floorDiv(((DateMilliVector) vector).get(row), TimeUnit.DAYS.toMillis(1)));
    }

    private static LocalTime time(ValueVector vector, int row) {
        long nanos;
        if (vector instanceof TimeSecVector) {
            nanos = TimeUnit.SECONDS.toNanos(((TimeSecVector) vector).get(row));
        } else if (vector instanceof TimeMilliVector) {
            nanos = TimeUnit.MILLISECONDS.toNanos(((TimeMilliVector) vector).get(row));
        } else if (vector instanceof TimeMicroVector) {
            nanos = TimeUnit.MICROSECONDS.toNanos(((TimeMicroVector) vector).get(row));
        } else {
            nanos = ((TimeNanoVector) vector).get(row);
        }
        return LocalTime.ofNanoOfDay(nanos);
    }

    private static String timestamp(TimeStampVector vector, ArrowType.Timestamp type, int row) {
        long value = vector.get(row);
        Instant instant;
        switch (type.getUnit()) {
            case SECOND:
                instant = Instant.ofEpochSecond(value);
                break;
            case MILLISECOND:
                instant = Instant.ofEpochMilli(value);
                break;
            case MICROSECOND:
                instant = Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1000L);
                break;
            default:
                instant = Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000_000L), Math.floorMod(value, 1_000_000_000L));
        }
        if (type.getTimezone() == null) {
            return LOCAL.format(instant.atOffset(ZoneOffset.UTC).toLocalDateTime());
        }
        return OFFSET.format(instant.atZone(ZoneId.of(type.getTimezone())));
    }

    /** As DuckDB prints it and parses it back: {@code 1 year 2 months 3 days 04:05:06.5}. */
    private static String interval(PeriodDuration interval) {
        long months = interval.getPeriod().toTotalMonths();
        List<String> parts = new ArrayList<>();
        unit(parts, months / 12, "year");
        unit(parts, months % 12, "month");
        unit(parts, interval.getPeriod().getDays(), "day");
        long nanos = interval.getDuration().toNanos();
        if (nanos != 0 || parts.isEmpty()) {
            long abs = Math.abs(nanos);
            String time = String.format("%s%02d:%02d:%02d", nanos < 0 ? "-" : "", abs / 3_600_000_000_000L,
                    abs / 60_000_000_000L % 60, abs / 1_000_000_000L % 60);
            long fraction = abs % 1_000_000_000L;
            if (fraction != 0) {
                time += String.format(".%09d", fraction).replaceAll("0+$", "");
            }
            parts.add(time);
        }
        return String.join(" ", parts);
    }

    private static void unit(List<String> parts, long count, String unit) {
        if (count != 0) {
            parts.add(count + " " + unit + (Math.abs(count) == 1 ? "" : "s"));
        }
    }

    private static ArrayNode array(ValueVector elements, int start, int end) {
        ArrayNode array = NODES.arrayNode(end - start);
        for (int i = start; i < end; i++) {
            array.add(json(elements, i));
        }
        return array;
    }

    /** A MAP as an object keyed by each key's text (DuckDB's keys are unique and never null). */
    private static ObjectNode map(MapVector map, int row) {
        StructVector entries = (StructVector) map.getDataVector();
        ValueVector keys = entries.getChildrenFromFields().get(0);
        ValueVector values = entries.getChildrenFromFields().get(1);
        ObjectNode object = NODES.objectNode();
        for (int i = map.getElementStartIndex(row); i < map.getElementEndIndex(row); i++) {
            object.set(text(json(keys, i), "null"), json(values, i));
        }
        return object;
    }

    private static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder(bytes.length * 4);
        for (byte b : bytes) {
            if (b >= 0x20 && b < 0x7f && b != '\\') {
                text.append((char) b);
            } else {
                text.append(String.format("\\x%02X", b & 0xff));
            }
        }
        return text.toString();
    }
}
