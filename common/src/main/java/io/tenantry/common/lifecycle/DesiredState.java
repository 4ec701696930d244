package io.tenantry.common.lifecycle;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** What the platform wants an organization's tenant to be; the provisioner makes it so. */
public enum DesiredState {
    ACTIVE, SUSPENDED, DELETED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
