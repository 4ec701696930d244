package io.tenantry.schema;

/** Where the tenant results schema's Flyway migrations live on the classpath. */
public final class ResultsSchema {

    public static final String LOCATION = "classpath:db/results";

    private ResultsSchema() {
    }
}
