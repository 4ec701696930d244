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

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    @Version
    public long version;

    public static List<Organization> page(String after, OrganizationStatus status, String region,
                                          List<String> onlyIds, int limit) {
        StringBuilder query = new StringBuilder("1 = 1");
        java.util.Map<String, Object> params = new java.util.HashMap<>();
        if (after != null) {
            query.append(" and orgId > :after");
            params.put("after", after);
        }
        if (status != null) {
            query.append(" and status = :status");
            params.put("status", status);
        }
        if (region != null) {
            query.append(" and region = :region");
            params.put("region", region);
        }
        if (onlyIds != null) {
            query.append(" and orgId in :ids");
            params.put("ids", onlyIds);
        }
        query.append(" order by orgId");
        return find(query.toString(), params).page(0, limit + 1).list();
    }
}
