package io.tenantry.metadata.organization;

import jakarta.persistence.Converter;

import io.tenantry.common.lifecycle.DesiredState;
import io.tenantry.metadata.persistence.LowercaseEnumConverter;

@Converter
public class DesiredStateConverter extends LowercaseEnumConverter<DesiredState> {
    public DesiredStateConverter() {
        super(DesiredState.class);
    }
}
