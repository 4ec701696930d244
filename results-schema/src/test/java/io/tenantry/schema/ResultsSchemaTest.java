package io.tenantry.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class ResultsSchemaTest {

    private static final Path MIGRATIONS = Path.of("src/main/resources/db/results");
    private static final Path INVERSES = Path.of("src/main/resources/db/results-undo");

    @Test
    void migrationsAreNumberedOneToTheNewestVersion() throws IOException {
        List<Integer> versions = versionAndDescription(MIGRATIONS, "V").stream()
                .map(n -> Integer.parseInt(n.substring(0, n.indexOf("__")))).sorted().toList();
        assertEquals(IntStream.rangeClosed(1, Integer.parseInt(ResultsSchema.NEWEST_VERSION)).boxed().toList(),
                versions);
        assertTrue(ResultsSchema.isReleasedVersion("1"));
        assertTrue(ResultsSchema.isReleasedVersion(ResultsSchema.NEWEST_VERSION));
        for (String unknown : List.of("0", "01", String.valueOf(versions.size() + 1), "1.1", "x", "")) {
            assertFalse(ResultsSchema.isReleasedVersion(unknown), unknown);
        }
    }

    @Test
    void everyMigrationHasAnInverseOfTheSameVersionAndDescriptionAndNoInverseIsAnOrphan() throws IOException {
        Set<String> migrations = versionAndDescription(MIGRATIONS, "V");
        Set<String> inverses = versionAndDescription(INVERSES, "U");
        Set<String> withoutInverse = new TreeSet<>(migrations);
        withoutInverse.removeAll(inverses);
        Set<String> orphans = new TreeSet<>(inverses);
        orphans.removeAll(migrations);
        assertTrue(withoutInverse.isEmpty(), "write U<n>__<description>.sql in " + INVERSES + " for " + withoutInverse);
        assertTrue(orphans.isEmpty(), "inverses without a migration of the same version and description: " + orphans);
        try (Stream<Path> files = Files.list(INVERSES)) {
            assertEquals(inverses.size(), files.count(), "only U<n>__<description>.sql files belong in " + INVERSES);
        }
    }

    @Test
    void theInverseOfAMigrationIsReadFromTheUndoFolder() {
        assertTrue(Inverses.read(ResultsSchema.LOCATION, "V3__idempotency_keys.sql").orElseThrow()
                .contains("DROP TABLE idempotency_keys"));
        assertTrue(Inverses.read(ResultsSchema.LOCATION, "V4__not_written.sql").isEmpty());
        assertEquals("sub/U7__x.sql", Inverses.nameFor("sub/V7__x.sql"));
    }

    /** "3__idempotency_keys" for each {@code <prefix>3__idempotency_keys.sql} in the folder. */
    private static Set<String> versionAndDescription(Path folder, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches(prefix + "\\d+__.+\\.sql"))
                    .map(n -> n.substring(prefix.length(), n.length() - ".sql".length()))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
