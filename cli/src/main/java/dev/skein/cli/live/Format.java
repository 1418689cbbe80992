package dev.skein.cli.live;

import java.util.Locale;

/** Numbers as the live views print them. */
public final class Format {
    private Format() {}

    /** 950, 12.3k, 4.5M, 1.2G. */
    public static String count(double value) {
        double magnitude = Math.abs(value);
        if (magnitude >= 1e9) {
            return String.format(Locale.ROOT, "%.1fG", value / 1e9);
        }
        if (magnitude >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", value / 1e6);
        }
        if (magnitude >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", value / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", value);
    }

    /** 512 B, 3.4 MiB, 1.2 GiB; "?" when unknown (negative). */
    public static String bytes(long value) {
        if (value < 0) {
            return "?";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double scaled = value;
        int unit = 0;
        while (scaled >= 1024 && unit < units.length - 1) {
            scaled /= 1024;
            unit++;
        }
        return unit == 0 ? value + " B" : String.format(Locale.ROOT, "%.1f %s", scaled, units[unit]);
    }

    /** A bar of {@code width} cells, {@code fraction} (0..1) of them full. */
    public static String bar(double fraction, int width) {
        int full = (int) Math.round(Math.max(0, Math.min(1, fraction)) * width);
        return "[" + "#".repeat(full) + "-".repeat(width - full) + "]";
    }
}
