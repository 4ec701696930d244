package io.tenantry.metadata.task;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

public enum TaskServiceStatus {
    UP, DOWN, MAINTENANCE;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static TaskServiceStatus fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
