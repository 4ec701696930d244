package io.tenantry.metadata.organization;

import jakarta.persistence.Converter;

import io.tenantry.common.lifecycle.OrganizationStatus;
import io.tenantry.metadata.persistence.LowercaseEnumConverter;

@Converter
public class OrganizationStatusConverter extends LowercaseEnumConverter<OrganizationStatus> {
    public OrganizationStatusConverter() {
        super(OrganizationStatus.class);
    }
}
