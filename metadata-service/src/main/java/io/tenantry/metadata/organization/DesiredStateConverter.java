package io.tenantry.metadata.organization;

import io.tenantry.common.lifecycle.DesiredState;

import jakarta.persistence.Converter;

import io.tenantry.metadata.persistence.LowercaseEnumConverter;

@Converter
public class DesiredStateConverter extends LowercaseEnumConverter<DesiredState> {
    public DesiredStateConverter() {
        super(DesiredState.class);
    }
}
