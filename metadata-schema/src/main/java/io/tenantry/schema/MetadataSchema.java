package io.tenantry.schema;

/**
 * Where the metadata database's Flyway migrations live on the classpath, and the roles they grant to. Only
 * metadata-service writes its tables; the other services sign in as these roles and reach the database through
 * the views and the function the migrations grant them.
 */
public final class MetadataSchema {

    public static final String LOCATION = "classpath:db/metadata";

    /** Reads organizations' lifecycle; reports observed status through report_organization_status(); owns schema provisioner. */
    public static final String PROVISIONER_ROLE = "tenantry_provisioner";

    /** Reads the lifecycle, pipeline templates and molecules through views, and the provisioner's tenant registry. */
    public static final String RESULTS_ROLE = "tenantry_results";

    private MetadataSchema() {
    }
}
