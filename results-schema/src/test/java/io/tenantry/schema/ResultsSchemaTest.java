package io.tenantry.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class ResultsSchemaTest {

    @Test
    void newestVersionNamesTheHighestMigration() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/results"))) {
            String highest = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("V\\d+__.+\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__")))
                    .max(Comparator.comparingInt(Integer::parseInt))
                    .orElseThrow();
            assertEquals(highest, ResultsSchema.NEWEST_VERSION);
        }
    }
}
