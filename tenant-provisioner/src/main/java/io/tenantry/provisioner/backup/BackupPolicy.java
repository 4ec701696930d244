package io.tenantry.provisioner.backup;

import java.time.Duration;

/** How often a tenant is backed up (zero: never by schedule) and how many routine backups are kept. */
public record BackupPolicy(Duration interval, int retain) {
}
