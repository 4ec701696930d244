package io.tenantry.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A grouped bar chart as a standalone SVG: groups along the bottom, one bar per series in each, values on top. */
final class Chart {

    private static final String[] COLOURS = {"#4472c4", "#ed7d31", "#70ad47", "#7f7f7f", "#ffc000"};
    private static final int WIDTH = 720;
    private static final int HEIGHT = 360;
    private static final int LEFT = 70;
    private static final int BOTTOM = 60;
    private static final int TOP = 50;
    private static final int LEGEND_ROW = 18;

    private final String title;
    private final String unit;
    private final List<String> groups;
    private final Map<String, double[]> series = new LinkedHashMap<>();

    Chart(String title, String unit, List<String> groups) {
        this.title = title;
        this.unit = unit;
        this.groups = groups;
    }

    Chart series(String name, double[] values) {
        series.put(name, values);
        return this;
    }

    String svg() {
        double step = tickStep(series.values().stream().flatMapToDouble(Arrays::stream).max().orElse(1) * 1.1 / 4);
        double max = step * 4;
        int plotWidth = WIDTH - LEFT - 20;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        List<int[]> legend = legendPositions(plotWidth);
        int height = HEIGHT + legend.get(legend.size() - 1)[1];
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
                        + "font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"
                        + "<text x=\"%d\" y=\"24\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                WIDTH, height, LEFT, escape(title)));
        for (int tick = 0; tick <= 4; tick++) {
            double value = step * tick;
            double y = TOP + plotHeight - plotHeight * tick / 4.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, LEFT + plotWidth, y, y,
                    LEFT - 6, y + 4, format(value)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" "
                + "text-anchor=\"middle\">%s</text>%n", TOP + plotHeight / 2, TOP + plotHeight / 2, escape(unit)));
        double groupWidth = (double) plotWidth / groups.size();
        double barWidth = groupWidth * 0.8 / series.size();
        for (int g = 0; g < groups.size(); g++) {
            double x0 = LEFT + g * groupWidth + groupWidth * 0.1;
            int s = 0;
            for (double[] values : series.values()) {
                double h = values[g] / max * plotHeight;
                double x = x0 + s * barWidth;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                                + "fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">%s</text>%n",
                        x, TOP + plotHeight - h, barWidth - 2, h, COLOURS[s % COLOURS.length], x + barWidth / 2 - 1,
                        TOP + plotHeight - h - 4, format(values[g])));
                s++;
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x0 + groupWidth * 0.4, TOP + plotHeight + 18, escape(groups.get(g))));
        }
        int s = 0;
        for (String name : series.keySet()) {
            int x = LEFT + legend.get(s)[0];
            int y = HEIGHT - 24 + legend.get(s)[1];
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                            + "<text x=\"%d\" y=\"%d\">%s</text>%n", x, y, COLOURS[s % COLOURS.length], x + 16,
                    y + 10, escape(name)));
            s++;
        }
        return svg.append("</svg>\n").toString();
    }

    /** Where each series' legend entry goes (x within the plot, row offset), wrapping rows by the names' widths. */
    private List<int[]> legendPositions(int plotWidth) {
        List<int[]> positions = new ArrayList<>();
        int x = 0;
        int row = 0;
        for (String name : series.keySet()) {
            int width = 16 + name.length() * 7 + 24;
            if (x > 0 && x + width > plotWidth) {
                x = 0;
                row += LEGEND_ROW;
            }
            positions.add(new int[] {x, row});
            x += width;
        }
        return positions;
    }

    /** A round step (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) of at least {@code rough}, for the axis' four ticks. */
    private static double tickStep(double rough) {
        if (!(rough > 0)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        for (double nice : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (nice * magnitude >= rough) {
                return nice * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String format(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
