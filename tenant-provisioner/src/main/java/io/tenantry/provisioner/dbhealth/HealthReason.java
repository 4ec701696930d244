package io.tenantry.provisioner.dbhealth;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why a tenant is degraded: a fixed set, so the metrics that count them stay bounded. */
public enum HealthReason {
    SIZE_OVER_QUOTA, CACHE_HIT_LOW, LONG_TRANSACTION, BACKUP_STALE, SCHEMA_DRIFT, DEAD_TUPLES, LOCK_WAITS;

    @JsonValue
    public String wire() {
        return name().toLowerCase();
    }

    static HealthReason fromWire(String wire) {
        return valueOf(wire.toUpperCase());
    }
}
