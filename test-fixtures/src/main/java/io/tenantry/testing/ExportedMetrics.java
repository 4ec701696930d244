package io.tenantry.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a service exports, kept in deploy/monitoring/metrics/&lt;service&gt;.txt so the dashboards and
 * alerts can be checked against them without starting the service. Every listed name must be in the service's
 * scrape; run the service's tests with {@code -Dtenantry.write-docs=true} to write the list from the scrape.
 */
public final class ExportedMetrics {

    private static final String GC_PAUSES = "jvm_gc_pause_seconds_count";
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");

    private ExportedMetrics() {
    }

    /** The sample names (histogram and summary suffixes included) in a Prometheus text exposition. */
    public static SortedSet<String> names(String scrape) {
        SortedSet<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /**
     * The scrape once the service's JVM (the test's own) has recorded a garbage collection: the GC pause meters
     * appear only after the first one, which a short test may not reach.
     */
    private static String afterCollection(Supplier<String> scrape) {
        System.gc();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String text = scrape.get();
        while (!text.contains(GC_PAUSES) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            text = scrape.get();
        }
        return text;
    }

    /** Every name the service's list holds is in its scrape; with {@code -Dtenantry.write-docs=true} it is rewritten. */
    public static void assertListed(String service, Supplier<String> scrape) {
        Path list = Path.of("..", "deploy", "monitoring", "metrics", service + ".txt");
        SortedSet<String> scraped = names(afterCollection(scrape));
        try {
            if (Boolean.getBoolean("tenantry.write-docs")) {
                Files.writeString(list, String.join("\n", scraped) + "\n");
            }
            assertTrue(Files.exists(list), list + " is missing; run " + service
                    + "'s tests with -Dtenantry.write-docs=true");
            SortedSet<String> listed = new TreeSet<>(Files.readAllLines(list));
            listed.removeIf(String::isBlank);
            listed.removeAll(scraped);
            assertTrue(listed.isEmpty(), list + " lists metrics " + service + " does not export: " + listed
                    + "; after changing its meters run its tests with -Dtenantry.write-docs=true");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
