package io.tenantry.results.pool;

import java.util.Collection;

/** Whose connections go first when a tenant without any needs room in a spent budget. */
final class LeastRecentlyUsed {

    private LeastRecentlyUsed() {
    }

    /**
     * Of the tenants holding more than one connection, the one whose idle connection is unused for longest: that
     * spare goes first, since its tenant keeps a connection. Null when no such tenant has an idle connection.
     */
    static <C, R> TenantSlots<C, R> spareOwner(Collection<TenantSlots<C, R>> tenants) {
        TenantSlots<C, R> owner = null;
        Slot<C> oldest = null;
        for (TenantSlots<C, R> tenant : tenants) {
            Slot<C> idle = tenant.slots.size() < 2 ? null : tenant.leastRecentlyUsedIdleSlot();
            if (idle != null && (oldest == null || idle.lastUsed < oldest.lastUsed)) {
                oldest = idle;
                owner = tenant;
            }
        }
        return owner;
    }

    /** The tenant holding connections, all idle, that was used longest ago; null when there is none. */
    static <C, R> TenantSlots<C, R> idleTenant(Collection<TenantSlots<C, R>> tenants) {
        TenantSlots<C, R> oldest = null;
        for (TenantSlots<C, R> tenant : tenants) {
            if (!tenant.closed && tenant.isIdle() && !tenant.slots.isEmpty()
                    && (oldest == null || tenant.lastUsed < oldest.lastUsed)) {
                oldest = tenant;
            }
        }
        return oldest;
    }
}
