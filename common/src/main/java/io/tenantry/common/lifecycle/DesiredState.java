package io.tenantry.common.lifecycle;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What the platform wants an organization's tenant to be; the provisioner makes it so. */
public enum DesiredState {
    ACTIVE, SUSPENDED, DELETED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static DesiredState fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
