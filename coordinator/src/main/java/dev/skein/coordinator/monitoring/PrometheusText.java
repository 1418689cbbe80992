package dev.skein.coordinator.monitoring;

import java.util.Optional;

/** Reads values out of the Prometheus text format, just enough for the worker list. */
final class PrometheusText {
    private PrometheusText() {}

    /**
     * The sum of every sample of {@code metric} whose labels contain {@code labelFilter} (empty:
     * any), rounded to a whole number; empty if there is none.
     */
    static Optional<Long> sum(String text, String metric, String labelFilter) {
        double sum = 0;
        boolean found = false;
        for (String line : text.split("\n")) {
            if (!line.startsWith(metric) || line.length() <= metric.length()) {
                continue;
            }
            char next = line.charAt(metric.length());
            if (next != '{' && next != ' ') {
                continue;
            }
            int valueAt = line.lastIndexOf(' ');
            String series = line.substring(0, valueAt);
            if (!series.contains(labelFilter)) {
                continue;
            }
            try {
                sum += Double.parseDouble(line.substring(valueAt + 1));
                found = true;
            } catch (NumberFormatException e) {
                // Not a sample line after all (Prometheus text has no other kind here); skip it.
            }
        }
        return found ? Optional.of(Math.round(sum)) : Optional.empty();
    }
}
