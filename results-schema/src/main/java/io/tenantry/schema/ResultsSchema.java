package io.tenantry.schema;

/**
 * Where the tenant results schema's Flyway migrations live on the classpath, where their inverses live, and the
 * newest version there.
 */
public final class ResultsSchema {

    public static final String LOCATION = "classpath:db/results";

    /**
     * The hand-written inverse {@code U<n>__name.sql} of every migration {@code V<n>__name.sql} at {@link #LOCATION},
     * in a folder Flyway is never pointed at; {@link Inverses} reads them.
     */
    public static final String UNDO_LOCATION = "classpath:db/results-undo";

    /** Raise with every new migration; a test checks it against the files, which are numbered 1 to this. */
    public static final String NEWEST_VERSION = "3";

    private ResultsSchema() {
    }

    /** Whether this build carries a migration of that version ("1" to {@link #NEWEST_VERSION}, no leading zeros). */
    public static boolean isReleasedVersion(String version) {
        return version != null && version.matches("[1-9][0-9]{0,8}")
                && Integer.parseInt(version) <= Integer.parseInt(NEWEST_VERSION);
    }
}
