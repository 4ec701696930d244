package io.tenantry.metadata.molecule;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.tenantry.common.Permission;
import io.tenantry.common.Uuids;
import io.tenantry.common.paging.Cursor;
import io.tenantry.common.paging.Page;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.metadata.audit.AuditLog;
import io.tenantry.metadata.persistence.KeysetQuery;
import io.tenantry.metadata.security.AccessGuard;

/** Each organization's molecules. Every lookup is by organization and id together, never by id alone. */
@ApplicationScoped
public class MoleculeService {

    public static final String INCHI_KEY = "^[A-Z]{14}-[A-Z]{10}-[A-Z]$";
    public static final String SMILES = "^[A-Za-z0-9@+\\-\\[\\]()=#$%/\\\\.:*~]+$";

    @Inject
    AccessGuard guard;

    @Inject
    AuditLog audit;

    @Schema(name = "MoleculeRegistration", examples = """
            {
              "name": "Aspirin",
              "smiles": "CC(=O)OC1=CC=CC=C1C(=O)O",
              "formula": "C9H8O4",
              "inchiKey": "BSYNRYMUTXBXSQ-UHFFFAOYSA-N"
            }""")
    public record Register(@NotBlank @Size(max = 200) String name,
                           @NotNull @Size(min = 1, max = 2000) @Pattern(regexp = SMILES, message = "must be a SMILES string") String smiles,
                           @Pattern(regexp = "^[A-Za-z0-9]{1,100}$", message = "must be a molecular formula such as C9H8O4") String formula,
                           @NotNull @Pattern(regexp = INCHI_KEY, message = "must be an InChIKey such as BSYNRYMUTXBXSQ-UHFFFAOYSA-N") String inchiKey) {
    }

    public record MoleculeView(UUID id, String name, String smiles, String formula, String inchiKey,
                               OffsetDateTime createdAt) {
        static MoleculeView of(Molecule m) {
            return new MoleculeView(m.id, m.name, m.smiles, m.formula, m.inchiKey, m.createdAt);
        }
    }

    @Transactional
    public MoleculeView register(String orgId, Register request) {
        var access = guard.require(orgId, Permission.MOLECULES_WRITE);
        if (Molecule.count("orgId = ?1 and inchiKey = ?2", orgId, request.inchiKey()) > 0) {
            throw ApiProblem.conflict("a molecule with InChIKey " + request.inchiKey() + " already exists in '" + orgId + "'");
        }
        Molecule molecule = new Molecule();
        molecule.id = Uuids.v7();
        molecule.orgId = orgId;
        molecule.name = request.name().trim();
        molecule.smiles = request.smiles();
        molecule.formula = request.formula();
        molecule.inchiKey = request.inchiKey();
        molecule.createdBy = access.actor();
        molecule.createdAt = OffsetDateTime.now();
        molecule.persist();
        audit.record("molecule.registered", orgId, "molecule", molecule.id.toString(),
                Map.of("inchiKey", molecule.inchiKey));
        return MoleculeView.of(molecule);
    }

    public Page<MoleculeView> list(String orgId, String namePrefix, String inchiKey, String after, int limit) {
        guard.require(orgId, Permission.MOLECULES_READ);
        KeysetQuery query = KeysetQuery.where("orgId = :org").bind("org", orgId)
                .and("id > :after", "after", Cursor.decodeUuid(after))
                .and("name like :prefix escape '\\'", "prefix", KeysetQuery.startingWith(namePrefix))
                .and("inchiKey = :inchiKey", "inchiKey", inchiKey);
        List<Molecule> rows = Molecule.<Molecule>find(query.orderBy("id"), query.params()).page(0, limit + 1).list();
        return Page.of(rows, limit, m -> m.id.toString(), MoleculeView::of);
    }

    public MoleculeView get(String orgId, UUID id) {
        guard.require(orgId, Permission.MOLECULES_READ);
        return MoleculeView.of(find(orgId, id));
    }

    @Transactional
    public void delete(String orgId, UUID id) {
        guard.require(orgId, Permission.MOLECULES_WRITE);
        find(orgId, id).delete();
        audit.record("molecule.deleted", orgId, "molecule", id.toString(), Map.of());
    }

    private static Molecule find(String orgId, UUID id) {
        Molecule molecule = Molecule.find("orgId = ?1 and id = ?2", orgId, id).firstResult();
        if (molecule == null) {
            throw ApiProblem.notFound("molecule " + id + " not found in '" + orgId + "'");
        }
        return molecule;
    }
}
