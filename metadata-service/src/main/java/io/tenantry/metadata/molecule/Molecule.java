package io.tenantry.metadata.molecule;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A molecule one organization works with; its InChIKey is unique within that organization. */
@Entity
@Table(name = "molecules")
public class Molecule extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "org_id")
    public String orgId;

    public String name;

    public String smiles;

    public String formula;

    @Column(name = "inchi_key")
    public String inchiKey;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;
}
