package io.tenantry.results.store;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.tenantry.common.problem.ApiProblem;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The science catalogue as metadata-service keeps it, read through the views it grants results-service: pipeline
 * templates (global ones and the organization's own, never another's) and the organization's molecules.
 */
@ApplicationScoped
public class CatalogueStore {

    @Inject
    MetadataDatabase metadata;

    /** One immutable version of a template; a job copies it, so later versions never change what a job ran. */
    public record Template(UUID id, String name, int version, String steps) {
    }

    public Uni<Template> templateById(UUID id, String orgId) {
        return metadata.query("""
                        SELECT id, name, version, steps::text FROM available_pipeline_templates
                         WHERE id = $1 AND available_to = $2""", Tuple.of(id, orgId))
                .map(rows -> template(rows.size() == 0 ? null : rows.iterator().next(),
                        "templateId names no pipeline template available to organization '" + orgId + "'"));
    }

    /**
     * The named template, its newest version unless one is given, as metadata-service's view resolves names: an
     * organization that has a template of that name uses its own, never the global one.
     */
    public Uni<Template> templateByName(String name, Integer version, String orgId) {
        return metadata.query("""
                        SELECT id, name, version, steps::text FROM available_pipeline_templates
                         WHERE available_to = $2 AND name = $1 AND preferred AND ($3::integer IS NULL OR version = $3)
                         ORDER BY version DESC LIMIT 1""", Tuple.of(name, orgId, version))
                .map(rows -> template(rows.size() == 0 ? null : rows.iterator().next(), "no pipeline template '" + name
                        + "'" + (version == null ? "" : " version " + version) + " is available to organization '"
                        + orgId + "'"));
    }

    /** 422 unless every id names one of the organization's molecules. */
    public Uni<Void> requireMolecules(List<UUID> ids, String orgId) {
        if (ids == null || ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return metadata.query("""
                        SELECT wanted FROM unnest($1::uuid[]) AS wanted
                         WHERE NOT EXISTS (SELECT 1 FROM organization_molecules m WHERE m.id = wanted AND m.org_id = $2)
                         LIMIT 5""", Tuple.of(ids.toArray(UUID[]::new), orgId))
                .invoke(rows -> {
                    if (rows.size() > 0) {
                        List<String> unknown = new ArrayList<>();
                        rows.forEach(row -> unknown.add(row.getUUID(0).toString()));
                        throw ApiProblem.unprocessable("inputs.moleculeIds names molecules organization '" + orgId
                                + "' does not have, e.g. " + String.join(", ", unknown));
                    }
                }).replaceWithVoid();
    }

    private static Template template(Row row, String whenMissing) {
        if (row == null) {
            throw ApiProblem.unprocessable(whenMissing);
        }
        return new Template(row.getUUID(0), row.getString(1), row.getInteger(2), row.getString(3));
    }
}
