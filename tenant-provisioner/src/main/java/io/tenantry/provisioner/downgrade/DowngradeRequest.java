package io.tenantry.provisioner.downgrade;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** The results schema version to take one tenant back to, such as {@code "2"}. */
public record DowngradeRequest(@NotNull @Size(max = 20) String targetVersion) {
}
