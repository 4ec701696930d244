package io.tenantry.metadata.client;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.tenantry.metadata.role.Role;

/** A machine credential scoped to one organization; its secret is shown once and kept only as a hash. */
@Entity
@Table(name = "api_clients")
public class ApiClient extends PanacheEntityBase {

    public static final String ACTIVE = "active";
    public static final String REVOKED = "revoked";

    @Id
    public UUID id;

    @Column(name = "org_id")
    public String orgId;

    public String name;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "role_id")
    public Role role;

    @Column(name = "secret_hash")
    public String secretHash;

    public String status;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "revoked_at")
    public OffsetDateTime revokedAt;

    public boolean isActive() {
        return ACTIVE.equals(status);
    }
}
