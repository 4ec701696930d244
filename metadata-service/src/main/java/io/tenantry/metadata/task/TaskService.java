package io.tenantry.metadata.task;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An external engine that runs one kind of task, reachable at an endpoint. */
@Entity
@Table(name = "task_services")
public class TaskService extends PanacheEntityBase {

    @Id
    public UUID id;

    public String name;

    @Column(name = "task_name")
    public String taskName;

    public String endpoint;

    @Convert(converter = TaskServiceStatusConverter.class)
    public TaskServiceStatus status;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;
}
