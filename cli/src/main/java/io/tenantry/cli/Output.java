package io.tenantry.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/** Human tables by default; with {@code --output json} the API's JSON, pretty-printed, for scripts. */
final class Output {

    enum Format { table, json }

    /** One column of a table: its heading and how a row's JSON gives its cell. */
    record Column(String heading, Function<JsonNode, String> cell) {

        static Column of(String heading, String field) {
            return new Column(heading, row -> text(row.path(field)));
        }

        /** A column for each field, headed by its name. */
        static List<Column> fields(String... fields) {
            return Arrays.stream(fields).map(field -> of(field, field)).toList();
        }
    }

    private final PrintWriter out;
    private final Format format;

    Output(PrintWriter out, Format format) {
        this.out = out;
        this.format = format;
    }

    boolean json() {
        return format == Format.json;
    }

    /** The rows as a table, or as the JSON array they came in. */
    void table(Iterable<JsonNode> rows, JsonNode asJson, List<Column> columns) {
        if (json()) {
            print(asJson);
            return;
        }
        List<String[]> lines = new ArrayList<>();
        lines.add(columns.stream().map(Column::heading).toArray(String[]::new));
        for (JsonNode row : rows) {
            lines.add(columns.stream().map(c -> c.cell().apply(row)).toArray(String[]::new));
        }
        int[] widths = new int[columns.size()];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : lines) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                text.append(i == line.length - 1 ? line[i] : String.format("%-" + widths[i] + "s  ", line[i]));
            }
            out.println(text.toString().stripTrailing());
        }
        out.flush();
    }

    /** One object as "field: value" lines, or as its JSON. */
    void object(JsonNode node, List<Column> fields) {
        if (json()) {
            print(node);
            return;
        }
        int width = fields.stream().mapToInt(f -> f.heading().length()).max().orElse(0);
        for (Column field : fields) {
            out.printf("%-" + width + "s  %s%n", field.heading(), field.cell().apply(node));
        }
        out.flush();
    }

    /** A sentence for people; in JSON mode the API's answer instead. */
    void done(String sentence, JsonNode answer) {
        if (json()) {
            print(answer);
        } else {
            out.println(sentence);
            out.flush();
        }
    }

    void print(JsonNode node) {
        try {
            out.println(PlatformClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An object of counts, e.g. {"active":2,"failed":1}, as "active 2  failed 1" (each key after the prefix). */
    static String counts(JsonNode counts, String keyPrefix) {
        StringBuilder text = new StringBuilder();
        counts.fields().forEachRemaining(e -> text.append(keyPrefix).append(e.getKey()).append(' ')
                .append(e.getValue().asLong()).append("  "));
        return text.toString().trim();
    }

    /** A JSON value as a cell: "-" for none. */
    static String text(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "-";
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }
}
