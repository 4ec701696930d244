package io.tenantry.provisioner.dbhealth;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.tenantry.provisioner.ProvisionerConfig;

/** The configured thresholds applied to one collection's measures: the reasons a tenant is degraded, if any. */
final class HealthRules {

    private HealthRules() {
    }

    /**
     * @param backupInterval the tenant's backup policy's interval (zero: no scheduled backups, never stale)
     * @param tenantSince    when the tenant was created, standing in for its last backup until it has one
     */
    static List<HealthReason> reasons(HealthSnapshot.Measures m, ProvisionerConfig.Health.Thresholds limits,
                                      Duration backupInterval, OffsetDateTime tenantSince, OffsetDateTime now) {
        List<HealthReason> reasons = new ArrayList<>();
        if (m.databaseBytes() > m.quotaBytes()) {
            reasons.add(HealthReason.SIZE_OVER_QUOTA);
        }
        if (m.blocksHit() + m.blocksRead() >= limits.cacheHitMinBlocks() && m.cacheHitRatio() != null
                && m.cacheHitRatio() < limits.minCacheHitRatio()) {
            reasons.add(HealthReason.CACHE_HIT_LOW);
        }
        if (m.longestTransactionSeconds() > limits.longTransaction().toMillis() / 1000.0) {
            reasons.add(HealthReason.LONG_TRANSACTION);
        }
        OffsetDateTime backedUp = m.lastBackupAt() != null ? m.lastBackupAt() : tenantSince;
        if (!backupInterval.isZero() && backedUp.plus(backupInterval).plus(limits.backupGrace()).isBefore(now)) {
            reasons.add(HealthReason.BACKUP_STALE);
        }
        if (!Objects.equals(m.schemaVersion(), m.recordedSchemaVersion())) {
            reasons.add(HealthReason.SCHEMA_DRIFT);
        }
        if (m.tables().stream().anyMatch(t -> t.deadTuples() >= limits.deadTuplesMin()
                && t.deadTuples() > limits.deadTuplesRatio() * t.liveTuples())) {
            reasons.add(HealthReason.DEAD_TUPLES);
        }
        if (m.lockWaits() > 0) {
            reasons.add(HealthReason.LOCK_WAITS);
        }
        return reasons;
    }
}
