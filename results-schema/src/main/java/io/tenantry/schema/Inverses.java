package io.tenantry.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The hand-written inverse of a results migration: {@code U<n>__name.sql} undoes {@code V<n>__name.sql}. The released
 * migrations' inverses live in {@link ResultsSchema#UNDO_LOCATION}; a staged location (classpath or filesystem)
 * carries its own next to its migrations, where Flyway Community leaves them alone.
 */
public final class Inverses {

    private Inverses() {
    }

    /** {@code U2__x.sql} for {@code V2__x.sql}; a script in a subfolder keeps its folder. */
    public static String nameFor(String migrationScript) {
        int file = migrationScript.lastIndexOf('/') + 1;
        if (!migrationScript.startsWith("V", file)) {
            throw new IllegalArgumentException("not a versioned migration: " + migrationScript);
        }
        return migrationScript.substring(0, file) + "U" + migrationScript.substring(file + 1);
    }

    /** Where the inverses of the migrations at a Flyway location live. */
    public static String undoLocationOf(String location) {
        return location.equals(ResultsSchema.LOCATION) ? ResultsSchema.UNDO_LOCATION : location;
    }

    /**
     * The SQL of the inverse of {@code migrationScript} (as Flyway records it: relative to its location), or empty
     * when the location has none.
     */
    public static Optional<String> read(String location, String migrationScript) {
        String undo = undoLocationOf(location);
        String name = nameFor(migrationScript);
        try {
            if (undo.startsWith("classpath:")) {
                String resource = undo.substring("classpath:".length()).replaceAll("^/+|/+$", "") + "/" + name;
                try (InputStream in = classLoader().getResourceAsStream(resource)) {
                    return in == null ? Optional.empty()
                            : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            if (undo.startsWith("filesystem:")) {
                Path file = Path.of(undo.substring("filesystem:".length())).resolve(name);
                return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + name + " at " + undo, e);
        }
        throw new IllegalArgumentException("not a classpath: or filesystem: location: " + location);
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Inverses.class.getClassLoader();
    }
}
