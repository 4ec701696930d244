package io.tenantry.provisioner.rollout;

import java.util.Locale;

/**
 * Where a rollout stands; {@link RolloutView#status()} carries it as its lowercase name. {@code PAUSED} keeps its
 * pending tenants for a resume; {@code CANCELLED} ends it with them untouched.
 */
public enum RolloutStatus {
    RUNNING, PAUSED, CANCELLED, SUCCEEDED, STOPPED, FAILED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
