package io.tenantry.schema;

/** Where the tenant results schema's Flyway migrations live on the classpath, and the newest version there. */
public final class ResultsSchema {

    public static final String LOCATION = "classpath:db/results";

    /** Raise with every new migration; a test checks it against the files. */
    public static final String NEWEST_VERSION = "3";

    private ResultsSchema() {
    }
}
