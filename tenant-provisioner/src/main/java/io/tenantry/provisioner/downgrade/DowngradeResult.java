package io.tenantry.provisioner.downgrade;

import java.util.List;

/** A finished downgrade of one tenant: its version before and after, and the migrations undone, newest first. */
public record DowngradeResult(String orgId, String fromVersion, String toVersion, List<String> undone,
                              int durationMs) {
}
