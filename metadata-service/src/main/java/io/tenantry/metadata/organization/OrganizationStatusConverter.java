package io.tenantry.metadata.organization;

import io.tenantry.common.lifecycle.OrganizationStatus;

import jakarta.persistence.Converter;

import io.tenantry.metadata.persistence.LowercaseEnumConverter;

@Converter
public class OrganizationStatusConverter extends LowercaseEnumConverter<OrganizationStatus> {
    public OrganizationStatusConverter() {
        super(OrganizationStatus.class);
    }
}
