package io.tenantry.metadata.pipeline;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One immutable version of a pipeline: global when {@code orgId} is null, else one organization's own. */
@Entity
@Immutable
@Table(name = "pipeline_templates")
public class PipelineTemplate extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "org_id")
    public String orgId;

    public String name;

    public int version;

    public String description;

    @JdbcTypeCode(SqlTypes.JSON)
    public List<Map<String, Object>> steps;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    /** The newest version of a template in one scope (null organization: global), or null. */
    public static PipelineTemplate latest(String orgId, String name) {
        return orgId == null
                ? find("orgId is null and name = ?1 order by version desc", name).firstResult()
                : find("orgId = ?1 and name = ?2 order by version desc", orgId, name).firstResult();
    }

    static PipelineTemplate globalVersion(String name, int version) {
        return find("orgId is null and name = ?1 and version = ?2", name, version).firstResult();
    }

    /**
     * The version an organization gets when it names a template, or null. The view available_pipeline_templates
     * decides, which results-service reads too: an organization's own template hides the global one of that name.
     */
    static PipelineTemplate resolvedFor(String orgId, String name, int version) {
        List<?> rows = getEntityManager().createNativeQuery("""
                        SELECT id, org_id, name, version, description, steps, created_by, created_at
                          FROM available_pipeline_templates
                         WHERE available_to = ?1 AND name = ?2 AND version = ?3 AND preferred""",
                        PipelineTemplate.class)
                .setParameter(1, orgId).setParameter(2, name).setParameter(3, version).getResultList();
        return rows.isEmpty() ? null : (PipelineTemplate) rows.get(0);
    }
}
