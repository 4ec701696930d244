package io.tenantry.metadata.task;

import jakarta.persistence.Converter;

import io.tenantry.metadata.persistence.LowercaseEnumConverter;

@Converter
public class TaskServiceStatusConverter extends LowercaseEnumConverter<TaskServiceStatus> {
    public TaskServiceStatusConverter() {
        super(TaskServiceStatus.class);
    }
}
