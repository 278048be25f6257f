package io.ramspool.benchmarks.load;

import java.util.List;

/** What {@link LoadChart} draws: plain values, no knowledge of rounds or targets. */
final class ChartData {
    private ChartData() {
    }

    /** One bar: its label, its height, and the single values it is the mean of (drawn as dots). */
    record Bar(String label, double value, List<Double> points) {
    }

    /** One line of a line panel; {@code values} line up with the panel's x labels, NaN where missing. */
    record Series(String name, List<Double> values) {
    }

    /**
     * A panel of lines with a linear or logarithmic y axis. The x labels are evenly spaced
     * categories, or, when {@code numericX}, numbers placed in proportion on a linear axis from 0.
     */
    record Lines(String title, String xTitle, String yTitle, List<String> xLabels, List<Series> series,
                 boolean logarithmic, boolean numericX) {
        boolean isEmpty() {
            return series.isEmpty() || xLabels.isEmpty();
        }
    }
}
