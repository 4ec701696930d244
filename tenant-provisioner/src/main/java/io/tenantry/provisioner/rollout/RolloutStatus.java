package io.tenantry.provisioner.rollout;

import java.util.Locale;

/** Where a rollout stands; {@link RolloutView#status()} carries it as its lowercase name. */
public enum RolloutStatus {
    RUNNING, SUCCEEDED, STOPPED, FAILED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
