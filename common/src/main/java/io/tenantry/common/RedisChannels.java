package io.tenantry.common;

/**
 * Redis pub/sub channels the services use to nudge each other, and the keys they share. Every message is an
 * organization id, except on {@link #TOKEN_REVOCATIONS}.
 */
public final class RedisChannels {

    /** metadata-service → tenant-provisioner: an organization's desired state changed, reconcile it now. */
    public static final String PROVISIONER_WAKE_UP = "tenantry:provisioner-wake-up";

    /** tenant-provisioner → everyone caching tenant lookups: this tenant changed, drop what you cached. */
    public static final String TENANT_CHANGES = "tenantry:tenant-changes";

    /** metadata-service → every service: tokens issued before a time are no longer valid (NotValidBefore's message). */
    public static final String TOKEN_REVOCATIONS = "tenantry:token-revocations";

    /** The cached tenant lookup of one organization; dropped by whoever announces a tenant change. */
    public static String tenantLookupKey(String orgId) {
        return "tenantry:tenant:" + orgId;
    }

    private RedisChannels() {
    }
}
