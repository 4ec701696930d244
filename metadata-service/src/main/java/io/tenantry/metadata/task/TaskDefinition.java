package io.tenantry.metadata.task;

import java.time.OffsetDateTime;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A kind of work a pipeline step can do, with the JSON schema its configuration must follow. */
@Entity
@Table(name = "task_definitions")
public class TaskDefinition extends PanacheEntityBase {

    @Id
    public String name;

    @Column(name = "display_name")
    public String displayName;

    public String description;

    @Column(name = "config_schema")
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> configSchema;

    public boolean system;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;
}
