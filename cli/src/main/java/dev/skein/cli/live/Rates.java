package dev.skein.cli.live;

import java.util.HashMap;
import java.util.Map;

/** Per-second rates of counters from one poll to the next, by key. Used by one thread. */
public final class Rates {
    private record Sample(double value, long atMillis) {}

    private final Map<String, Sample> last = new HashMap<>();

    /** The rate of {@code key} since its previous sample; 0 for its first one. */
    public double perSecond(String key, double value, long nowMillis) {
        Sample previous = last.put(key, new Sample(value, nowMillis));
        if (previous == null || nowMillis <= previous.atMillis()) {
            return 0;
        }
        return (value - previous.value()) * 1000.0 / (nowMillis - previous.atMillis());
    }
}
