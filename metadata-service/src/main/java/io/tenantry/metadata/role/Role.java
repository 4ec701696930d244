package io.tenantry.metadata.role;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A named set of permissions: a system role (no organization) or an organization's custom role. */
@Entity
@Table(name = "roles")
public class Role extends PanacheEntityBase {

    public static final String ORG_ADMIN = "org-admin";

    @Id
    public UUID id;

    @Column(name = "org_id")
    public String orgId;

    public String name;

    public String description;

    public String[] permissions;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    public boolean isSystem() {
        return orgId == null;
    }

    /** The role of that name visible to an organization: its own custom role or a system role. */
    public static Optional<Role> visibleTo(String orgId, String name) {
        return find("name = ?1 and (orgId is null or orgId = ?2)", name, orgId).firstResultOptional();
    }

    public static List<Role> allVisibleTo(String orgId) {
        return list("orgId is null or orgId = ?1 order by orgId nulls first, name", orgId);
    }

    /** How many members and API clients hold this role, counted in their own tables. */
    public long holders() {
        Number count = (Number) getEntityManager().createNativeQuery("""
                SELECT (SELECT count(*) FROM memberships WHERE role_id = ?1)
                     + (SELECT count(*) FROM api_clients WHERE role_id = ?1)""")
                .setParameter(1, id).getSingleResult();
        return count.longValue();
    }
}
