package io.tenantry.metadata.organization;

import java.time.OffsetDateTime;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.tenantry.common.lifecycle.DesiredState;
import io.tenantry.common.lifecycle.OrganizationStatus;
import io.tenantry.metadata.persistence.KeysetQuery;

@Entity
@Table(name = "organizations")
public class Organization extends PanacheEntityBase {

    @Id
    @Column(name = "org_id")
    public String orgId;

    @Column(name = "display_name")
    public String displayName;

    @Convert(converter = OrganizationStatusConverter.class)
    public OrganizationStatus status;

    @Column(name = "desired_state")
    @Convert(converter = DesiredStateConverter.class)
    public DesiredState desiredState;

    @Column(name = "status_reason")
    public String statusReason;

    public String region;

    @Column(name = "max_queued_jobs")
    public int maxQueuedJobs;

    @Column(name = "max_jobs_per_day")
    public int maxJobsPerDay;

    @Column(name = "max_requests_per_second")
    public Integer maxRequestsPerSecond;

    @Column(name = "max_concurrent_requests")
    public Integer maxConcurrentRequests;

    @Column(name = "max_database_bytes")
    public Long maxDatabaseBytes;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    @Version
    public long version;

    /**
     * The row as the database has it now. A database function may have changed it behind Hibernate's back, so an
     * instance this transaction loaded before would be stale.
     */
    static Organization reread(String orgId) {
        Organization org = findById(orgId);
        getEntityManager().refresh(org);
        return org;
    }

    public static List<Organization> page(String after, OrganizationStatus status, String region,
                                          List<String> onlyIds, int limit) {
        KeysetQuery query = KeysetQuery.where("1 = 1")
                .and("orgId > :after", "after", after)
                .and("status = :status", "status", status)
                .and("region = :region", "region", region)
                .and("orgId in :ids", "ids", onlyIds);
        return find(query.orderBy("orgId"), query.params()).page(0, limit + 1).list();
    }
}
