package io.tenantry.metadata.user;

import jakarta.persistence.Converter;

import io.tenantry.metadata.persistence.LowercaseEnumConverter;

@Converter
public class UserStatusConverter extends LowercaseEnumConverter<UserStatus> {
    public UserStatusConverter() {
        super(UserStatus.class);
    }
}
