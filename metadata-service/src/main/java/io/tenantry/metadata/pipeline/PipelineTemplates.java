package io.tenantry.metadata.pipeline;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.tenantry.common.Permission;
import io.tenantry.common.Uuids;
import io.tenantry.common.paging.Cursor;
import io.tenantry.common.paging.Page;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.metadata.audit.AuditLog;
import io.tenantry.metadata.persistence.KeysetQuery;
import io.tenantry.metadata.security.AccessGuard;
import io.tenantry.metadata.security.Caller;
import io.tenantry.metadata.task.ConfigSchema;
import io.tenantry.metadata.task.TaskDefinition;

/**
 * Pipeline templates, global or per organization. Saving under an existing name adds the next version; versions
 * never change, so a job can name exactly what it ran.
 */
@ApplicationScoped
public class PipelineTemplates {

    @Inject
    AccessGuard guard;

    @Inject
    AuditLog audit;

    @Inject
    Caller caller;

    public record PipelineTemplateView(UUID id, String orgId, String name, int version, String description,
                                       List<Map<String, Object>> steps, String createdBy, OffsetDateTime createdAt) {
        static PipelineTemplateView of(PipelineTemplate t) {
            return new PipelineTemplateView(t.id, t.orgId, t.name, t.version, t.description, t.steps, t.createdBy,
                    t.createdAt);
        }
    }

    @Transactional
    public PipelineTemplateView createGlobal(PipelineRequests.Create request) {
        guard.requirePlatformAdmin();
        return PipelineTemplateView.of(save(null, request, caller.subject()));
    }

    @Transactional
    public PipelineTemplateView createForOrganization(String orgId, PipelineRequests.Create request) {
        var access = guard.require(orgId, Permission.TEMPLATES_WRITE);
        return PipelineTemplateView.of(save(orgId, request, access.actor()));
    }

    /** Saves the next version in a scope; for seeding and the two create methods. */
    @Transactional(Transactional.TxType.MANDATORY)
    public PipelineTemplate save(String orgId, PipelineRequests.Create request, String actor) {
        List<Map<String, Object>> steps = validatedSteps(request.steps());
        PipelineTemplate latest = PipelineTemplate.latest(orgId, request.name());
        PipelineTemplate template = new PipelineTemplate();
        template.id = Uuids.v7();
        template.orgId = orgId;
        template.name = request.name();
        template.version = latest == null ? 1 : latest.version + 1;
        template.description = request.description();
        template.steps = steps;
        template.createdBy = actor;
        template.createdAt = OffsetDateTime.now();
        template.persist();
        audit.record("pipeline-template.created", orgId, "pipeline-template", template.id.toString(),
                Map.of("name", template.name, "version", template.version));
        return template;
    }

    public Page<PipelineTemplateView> listGlobal(String name, String after, int limit) {
        return list(null, name, after, limit);
    }

    /** The organization's own templates and the global ones, every version, oldest first. */
    public Page<PipelineTemplateView> listForOrganization(String orgId, String name, String after, int limit) {
        guard.require(orgId, Permission.TEMPLATES_READ);
        return list(orgId, name, after, limit);
    }

    public PipelineTemplateView globalVersion(String name, int version) {
        return PipelineTemplateView.of(found(PipelineTemplate.globalVersion(name, version), name, version));
    }

    /** The organization's own template of that name if it has one, otherwise the global one. */
    public PipelineTemplateView versionForOrganization(String orgId, String name, int version) {
        guard.require(orgId, Permission.TEMPLATES_READ);
        return PipelineTemplateView.of(found(PipelineTemplate.resolvedFor(orgId, name, version), name, version));
    }

    private Page<PipelineTemplateView> list(String orgId, String name, String after, int limit) {
        KeysetQuery query = (orgId == null ? KeysetQuery.where("orgId is null")
                : KeysetQuery.where("(orgId is null or orgId = :org)").bind("org", orgId))
                .and("id > :after", "after", Cursor.decodeUuid(after))
                .and("name = :name", "name", name);
        List<PipelineTemplate> rows = PipelineTemplate.<PipelineTemplate>find(query.orderBy("id"), query.params())
                .page(0, limit + 1).list();
        return Page.of(rows, limit, t -> t.id.toString(), PipelineTemplateView::of);
    }

    private static PipelineTemplate found(PipelineTemplate template, String name, int version) {
        if (template == null) {
            throw ApiProblem.notFound("pipeline template '" + name + "' version " + version + " not found");
        }
        return template;
    }

    /** Checks step names are unique and each step's task exists and accepts its configuration. */
    static List<Map<String, Object>> validatedSteps(List<PipelineRequests.Step> steps) {
        Set<String> names = new HashSet<>();
        Map<String, TaskDefinition> tasks = new HashMap<>();
        TaskDefinition.<TaskDefinition>list("name in ?1", steps.stream().map(PipelineRequests.Step::task).toList())
                                            .forEach(t -> tasks.put(t.name, t));
        List<Map<String, Object>> stored = new ArrayList<>();
        for (PipelineRequests.Step step : steps) {
            if (!names.add(step.name())) {
                throw ApiProblem.unprocessable("step name '" + step.name() + "' is used twice");
            }
            TaskDefinition task = tasks.get(step.task());
            if (task == null) {
                throw ApiProblem.unprocessable("step '" + step.name() + "' names unknown task '" + step.task() + "'");
            }
            Map<String, Object> config = step.config() == null ? Map.of() : step.config();
            List<String> violations = ConfigSchema.violations(task.configSchema, config);
            if (!violations.isEmpty()) {
                throw ApiProblem.unprocessable("step '" + step.name() + "' config does not fit task '"
                        + task.name + "': " + String.join(", ", violations));
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", step.name());
            row.put("task", step.task());
            row.put("config", config);
            stored.add(row);
        }
        return stored;
    }
}
