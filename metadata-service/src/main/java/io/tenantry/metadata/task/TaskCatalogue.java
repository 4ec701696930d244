package io.tenantry.metadata.task;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.tenantry.common.Uuids;
import io.tenantry.common.paging.Cursor;
import io.tenantry.common.paging.Page;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.metadata.audit.AuditLog;
import io.tenantry.metadata.persistence.KeysetQuery;
import io.tenantry.metadata.security.AccessGuard;

/** Task definitions and the engines that run them: readable by everyone signed in, changed by platform admins. */
@ApplicationScoped
public class TaskCatalogue {

    @Inject
    AccessGuard guard;

    @Inject
    AuditLog audit;

    public record TaskDefinitionView(String name, String displayName, String description,
                                     Map<String, Object> configSchema, boolean system) {
        static TaskDefinitionView of(TaskDefinition d) {
            return new TaskDefinitionView(d.name, d.displayName, d.description, d.configSchema, d.system);
        }
    }

    public record TaskServiceView(UUID id, String name, String task, String endpoint, TaskServiceStatus status,
                                  OffsetDateTime updatedAt) {
        static TaskServiceView of(TaskService s) {
            return new TaskServiceView(s.id, s.name, s.taskName, s.endpoint, s.status, s.updatedAt);
        }
    }

    public Page<TaskDefinitionView> definitions(String after, int limit) {
        String afterName = Cursor.decode(after);
        List<TaskDefinition> rows = afterName == null
                ? TaskDefinition.<TaskDefinition>find("order by name").page(0, limit + 1).list()
                : TaskDefinition.<TaskDefinition>find("name > ?1 order by name", afterName).page(0, limit + 1).list();
        return Page.of(rows, limit, d -> d.name, TaskDefinitionView::of);
    }

    public TaskDefinitionView definition(String name) {
        return TaskDefinitionView.of(find(name));
    }

    @Transactional
    public TaskDefinitionView define(TaskRequests.Define request) {
        guard.requirePlatformAdmin();
        return TaskDefinitionView.of(define(request, false));
    }

    /** Creates a definition without checking the caller: for seeding and for {@link #define(TaskRequests.Define)}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public TaskDefinition define(TaskRequests.Define request, boolean system) {
        if (TaskDefinition.findById(request.name()) != null) {
            throw ApiProblem.conflict("task definition '" + request.name() + "' already exists");
        }
        ConfigSchema.checkIsSchema(request.configSchema());
        TaskDefinition definition = new TaskDefinition();
        definition.name = request.name();
        definition.displayName = request.displayName();
        definition.description = request.description();
        definition.configSchema = request.configSchema();
        definition.system = system;
        definition.createdAt = OffsetDateTime.now();
        definition.persist();
        audit.record("task-definition.created", null, "task-definition", definition.name, Map.of("system", system));
        return definition;
    }

    public Page<TaskServiceView> services(String task, TaskServiceStatus status, String after, int limit) {
        KeysetQuery query = KeysetQuery.where("1 = 1")
                .and("id > :after", "after", Cursor.decodeUuid(after))
                .and("taskName = :task", "task", task)
                .and("status = :status", "status", status);
        List<TaskService> rows = TaskService.<TaskService>find(query.orderBy("id"), query.params()).page(0, limit + 1).list();
        return Page.of(rows, limit, s -> s.id.toString(), TaskServiceView::of);
    }

    @Transactional
    public TaskServiceView register(TaskRequests.RegisterService request) {
        guard.requirePlatformAdmin();
        find(request.task());
        if (TaskService.count("name", request.name()) > 0) {
            throw ApiProblem.conflict("task service '" + request.name() + "' already exists");
        }
        OffsetDateTime now = OffsetDateTime.now();
        TaskService service = new TaskService();
        service.id = Uuids.v7();
        service.name = request.name();
        service.taskName = request.task();
        service.endpoint = request.endpoint();
        service.status = request.status() == null ? TaskServiceStatus.UP : request.status();
        service.createdAt = now;
        service.updatedAt = now;
        service.persist();
        audit.record("task-service.registered", null, "task-service", service.id.toString(),
                Map.of("name", service.name, "task", service.taskName));
        return TaskServiceView.of(service);
    }

    @Transactional
    public TaskServiceView update(UUID id, TaskRequests.UpdateService request) {
        guard.requirePlatformAdmin();
        TaskService service = TaskService.findById(id);
        if (service == null) {
            throw ApiProblem.notFound("task service " + id + " not found");
        }
        Map<String, Object> changes = new HashMap<>();
        if (request.endpoint() != null) {
            service.endpoint = request.endpoint();
            changes.put("endpoint", service.endpoint);
        }
        if (request.status() != null) {
            service.status = request.status();
            changes.put("status", service.status.wire());
        }
        service.updatedAt = OffsetDateTime.now();
        audit.record("task-service.updated", null, "task-service", id.toString(), changes);
        return TaskServiceView.of(service);
    }

    /** The definition of that name, or 404. */
    public static TaskDefinition find(String name) {
        TaskDefinition definition = TaskDefinition.findById(name);
        if (definition == null) {
            throw ApiProblem.notFound("task definition '" + name + "' not found");
        }
        return definition;
    }
}
