package io.tenantry.provisioner.dbhealth;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * The fleet's health at the last collections of its active tenants: how many are in each state (a tenant never
 * collected counts as unknown), how many are degraded for each reason, the bytes of every tenant database, and the
 * worst tenants by each measure, worst first.
 */
public record FleetHealth(Map<String, Long> tenants, Map<String, Long> degraded, long databaseBytes,
                          List<Ranked> largest, List<Ranked> lowestCacheHit, List<Ranked> mostDeadTuples,
                          List<Ranked> longestTransaction, List<Ranked> slowestStatement, List<Ranked> stalestBackup) {

    /**
     * One tenant in a "worst by" list; {@code value} in the list's unit: bytes, a ratio, dead tuples, seconds, mean
     * milliseconds, and the age in seconds of the last backup (null: none yet).
     */
    public record Ranked(String orgId, HealthState state, Double value, OffsetDateTime collectedAt) {
    }
}
