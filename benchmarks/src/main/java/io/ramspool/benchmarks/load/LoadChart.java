package io.ramspool.benchmarks.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntUnaryOperator;

import javax.imageio.ImageIO;

import io.ramspool.benchmarks.load.ChartData.Bar;
import io.ramspool.benchmarks.load.ChartData.Lines;
import io.ramspool.benchmarks.load.ChartData.Series;

/**
 * Draws the benchmark's PNG with java.awt in headless mode: a bar panel (msg/s per target) and up
 * to three line panels (scaling curves), two by two. Colours follow the series names, so a target
 * has the same colour in every panel.
 */
final class LoadChart {
    private static final int PANEL_WIDTH = 800;
    private static final int PANEL_HEIGHT = 560;
    private static final Rectangle INSETS = new Rectangle(90, 58, 30, 70);
    private static final List<Color> PALETTE = List.of(new Color(0xD62728), new Color(0x1F77B4),
        new Color(0x2CA02C), new Color(0x9467BD), new Color(0xFF7F0E), new Color(0x8C564B), new Color(0x17BECF),
        new Color(0x7F7F7F));
    private static final Map<String, Integer> FIXED_COLOURS = Map.of("ramspool", 0, "stock-memory", 1,
        "stock-activemq", 2, "postfix-tmpfs", 3, "postfix-disk", 4);

    private final Graphics2D graphics;

    private LoadChart(Graphics2D graphics) {
        this.graphics = graphics;
    }

    /** Writes the chart to {@code png}: the bars top left, then the line panels that have data. */
    static void write(Path png, String barTitle, List<Bar> bars, List<Lines> panels) {
        System.setProperty("java.awt.headless", "true");
        List<Lines> drawn = panels.stream().filter(panel -> !panel.isEmpty()).toList();
        int rows = (drawn.size() + 2) / 2;
        BufferedImage image = new BufferedImage(2 * PANEL_WIDTH, rows * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        try {
            LoadChart chart = new LoadChart(graphics);
            chart.clear(image.getWidth(), image.getHeight());
            chart.drawBars(new Rectangle(0, 0, PANEL_WIDTH, PANEL_HEIGHT), barTitle, bars);
            for (int i = 0; i < drawn.size(); i++) {
                int slot = i + 1;
                chart.drawLines(new Rectangle(slot % 2 * PANEL_WIDTH, slot / 2 * PANEL_HEIGHT, PANEL_WIDTH,
                    PANEL_HEIGHT), drawn.get(i));
            }
        } finally {
            graphics.dispose();
        }
        save(image, png);
    }

    private static void save(BufferedImage image, Path png) {
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            ImageIO.write(image, "png", png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + png, e);
        }
    }

    private void clear(int width, int height) {
        graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        graphics.setColor(Color.WHITE);
        graphics.fillRect(0, 0, width, height);
    }

    private void drawBars(Rectangle panel, String title, List<Bar> bars) {
        Rectangle plot = plotArea(panel);
        double max = bars.stream().flatMap(bar -> bar.points().stream()).mapToDouble(Double::doubleValue)
            .max().orElse(1);
        Axis axis = Axis.linear(Math.max(max, bars.stream().mapToDouble(Bar::value).max().orElse(1)));
        drawFrame(panel, plot, title, "", "msg/s", axis);
        int slot = plot.width / Math.max(1, bars.size());
        for (int i = 0; i < bars.size(); i++) {
            drawBar(plot, axis, bars.get(i), plot.x + i * slot, slot);
        }
    }

    private void drawBar(Rectangle plot, Axis axis, Bar bar, int left, int slot) {
        int top = y(plot, axis, bar.value());
        graphics.setColor(colour(bar.label(), 0));
        graphics.fillRect(left + slot / 5, top, slot * 3 / 5, plot.y + plot.height - top);
        graphics.setColor(Color.BLACK);
        for (double point : bar.points()) {
            graphics.fillOval(left + slot / 2 - 4, y(plot, axis, point) - 4, 8, 8);
        }
        graphics.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        double highest = bar.points().stream().mapToDouble(Double::doubleValue).max().orElse(bar.value());
        centre(String.format(Locale.ROOT, "%.0f", bar.value()), left + slot / 2,
            Math.min(top, y(plot, axis, highest)) - 10);
        graphics.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        centre(bar.label(), left + slot / 2, plot.y + plot.height + 22);
    }

    private void drawLines(Rectangle panel, Lines lines) {
        Rectangle plot = plotArea(panel);
        double max = lines.series().stream().flatMap(series -> series.values().stream())
            .filter(value -> !value.isNaN()).mapToDouble(Double::doubleValue).max().orElse(1);
        double min = lines.series().stream().flatMap(series -> series.values().stream())
            .filter(value -> !value.isNaN() && value > 0).mapToDouble(Double::doubleValue).min().orElse(1);
        Axis axis = lines.logarithmic() ? Axis.logarithmic(min, max) : Axis.linear(max);
        drawFrame(panel, plot, lines.title(), lines.xTitle(), lines.yTitle(), axis);
        IntUnaryOperator xOf = xPositions(plot, lines);
        graphics.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        graphics.setColor(Color.BLACK);
        for (int i = 0; i < lines.xLabels().size(); i++) {
            centre(lines.xLabels().get(i), xOf.applyAsInt(i), plot.y + plot.height + 22);
        }
        for (int i = 0; i < lines.series().size(); i++) {
            Color colour = colour(lines.series().get(i).name(), i);
            drawSeries(plot, axis, xOf, lines.series().get(i), colour);
            drawLegend(plot, i, lines.series().get(i).name(), colour);
        }
    }

    /** The x pixel of the i-th label: evenly spaced categories, or in proportion to its number from 0. */
    private static IntUnaryOperator xPositions(Rectangle plot, Lines lines) {
        int count = Math.max(1, lines.xLabels().size());
        if (!lines.numericX()) {
            int step = plot.width / count;
            return i -> plot.x + step / 2 + i * step;
        }
        double max = lines.xLabels().stream().mapToDouble(Double::parseDouble).max().orElse(1) * 1.05;
        return i -> plot.x + (int) Math.round(Double.parseDouble(lines.xLabels().get(i)) / max * plot.width);
    }

    private void drawSeries(Rectangle plot, Axis axis, IntUnaryOperator xOf, Series series, Color colour) {
        graphics.setColor(colour);
        graphics.setStroke(new BasicStroke(3));
        Path2D line = new Path2D.Double();
        boolean started = false;
        for (int i = 0; i < series.values().size(); i++) {
            double value = series.values().get(i);
            if (Double.isNaN(value)) {
                continue;
            }
            int x = xOf.applyAsInt(i);
            int y = y(plot, axis, value);
            graphics.fillOval(x - 5, y - 5, 10, 10);
            if (started) {
                line.lineTo(x, y);
            } else {
                line.moveTo(x, y);
                started = true;
            }
        }
        graphics.draw(line);
        graphics.setStroke(new BasicStroke(1));
    }

    private void drawLegend(Rectangle plot, int index, String name, Color colour) {
        int x = plot.x + plot.width - 230;
        int y = plot.y + 20 + index * 22;
        graphics.setColor(colour);
        graphics.fillRect(x, y - 10, 18, 12);
        graphics.setColor(Color.BLACK);
        graphics.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        graphics.drawString(name, x + 26, y);
    }

    private void drawFrame(Rectangle panel, Rectangle plot, String title, String xTitle, String yTitle, Axis axis) {
        graphics.setColor(Color.BLACK);
        graphics.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        centre(title, panel.x + panel.width / 2, panel.y + 28);
        graphics.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        centre(xTitle, plot.x + plot.width / 2, plot.y + plot.height + 48);
        graphics.drawString(yTitle, panel.x + 8, plot.y - 8);
        for (double tick : axis.ticks()) {
            int y = y(plot, axis, tick);
            graphics.setColor(new Color(0xDDDDDD));
            graphics.drawLine(plot.x, y, plot.x + plot.width, y);
            graphics.setColor(Color.BLACK);
            String label = axis.label(tick);
            graphics.drawString(label, plot.x - 8 - graphics.getFontMetrics().stringWidth(label), y + 5);
        }
        graphics.drawRect(plot.x, plot.y, plot.width, plot.height);
    }

    private static Rectangle plotArea(Rectangle panel) {
        return new Rectangle(panel.x + INSETS.x, panel.y + INSETS.y, panel.width - INSETS.x - INSETS.width,
            panel.height - INSETS.y - INSETS.height);
    }

    private static int y(Rectangle plot, Axis axis, double value) {
        return plot.y + plot.height - (int) Math.round(axis.fraction(value) * plot.height);
    }

    private void centre(String text, int x, int baseline) {
        FontMetrics metrics = graphics.getFontMetrics();
        graphics.drawString(text, x - metrics.stringWidth(text) / 2, baseline);
    }

    /** A target's own colour, or for other series (reload costs) the palette's rest by position. */
    private static Color colour(String name, int position) {
        Integer fixed = FIXED_COLOURS.get(name);
        int index = fixed != null ? fixed : FIXED_COLOURS.size() + position;
        return PALETTE.get(index % PALETTE.size());
    }

    /** A y axis: where a value sits between 0 (bottom) and 1 (top), and the ticks to label. */
    private record Axis(DoubleUnaryOperator fractionOf, List<Double> ticks) {
        static Axis linear(double max) {
            double step = niceStep(max / 5);
            double top = Math.ceil(max * 1.1 / step) * step;
            List<Double> ticks = new ArrayList<>();
            for (double tick = 0; tick <= top + step / 2; tick += step) {
                ticks.add(tick);
            }
            return new Axis(value -> value / top, ticks);
        }

        static Axis logarithmic(double min, double max) {
            double low = Math.floor(Math.log10(min));
            double high = Math.ceil(Math.log10(max * 1.1));
            List<Double> ticks = new ArrayList<>();
            for (double decade = low; decade <= high; decade++) {
                for (int factor : new int[] {1, 2, 5}) {
                    double tick = factor * Math.pow(10, decade);
                    if (decade < high || factor == 1) {
                        ticks.add(tick);
                    }
                }
            }
            double span = Math.max(1, high - low);
            return new Axis(value -> (Math.log10(Math.max(value, Math.pow(10, low))) - low) / span, ticks);
        }

        double fraction(double value) {
            return fractionOf.applyAsDouble(value);
        }

        String label(double tick) {
            return tick >= 1 || tick == 0 ? String.format(Locale.ROOT, "%,.0f", tick)
                : String.format(Locale.ROOT, "%.2g", tick);
        }

        private static double niceStep(double rough) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(rough, 1e-9))));
            double normalised = rough / magnitude;
            double nice = normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 5 ? 5 : 10;
            return nice * magnitude;
        }
    }
}
