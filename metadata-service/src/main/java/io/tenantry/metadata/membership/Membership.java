package io.tenantry.metadata.membership;

import java.time.OffsetDateTime;
import java.util.Optional;
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

/** A user's place in one organization, with exactly one role there. */
@Entity
@Table(name = "memberships")
public class Membership extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "user_id")
    public UUID userId;

    @Column(name = "org_id")
    public String orgId;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "role_id")
    public Role role;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    public static Optional<Membership> of(UUID userId, String orgId) {
        return find("from Membership m join fetch m.role where m.userId = ?1 and m.orgId = ?2", userId, orgId)
                .firstResultOptional();
    }
}
