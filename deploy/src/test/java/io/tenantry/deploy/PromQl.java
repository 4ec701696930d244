package io.tenantry.deploy;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough of PromQL's and Grafana's syntax to name the metrics an expression reads. */
final class PromQl {

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "inf", "nan");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern LABEL_LIST =
            Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*\\w+\\s*\\)\\s*$");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)(?::\\w+)?}?");

    private PromQl() {
    }

    /**
     * A dashboard query as Prometheus would get it: Grafana's variables replaced by something of their kind, and a
     * {@code label_values(query, label)} variable query reduced to its query.
     */
    static String substituteGrafana(String expr) {
        Matcher labelValues = LABEL_VALUES.matcher(expr);
        String query = labelValues.matches() ? labelValues.group(1) : expr;
        return VARIABLE.matcher(query).replaceAll(m -> switch (m.group(1)) {
            case "__rate_interval", "__interval", "__range" -> "5m";
            case "__interval_ms", "__range_ms" -> "300000";
            case "__range_s" -> "300";
            default -> "variable";
        });
    }

    /** The metric names an expression reads (functions, keywords, label names and strings left out). */
    static SortedSet<String> metricNames(String expr) {
        String bare = STRING.matcher(expr).replaceAll("\"\"");
        bare = MATCHERS.matcher(bare).replaceAll(" ");
        bare = RANGE.matcher(bare).replaceAll(" ");
        bare = LABEL_LIST.matcher(bare).replaceAll(" ");
        SortedSet<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            boolean function = m.group(2) != null;
            String name = m.group(1);
            if (!function && !KEYWORDS.contains(name.toLowerCase()) && !name.matches("\\d.*")) {
                names.add(name);
            }
        }
        return names;
    }
}
