package io.tenantry.provisioner.backup;

/** Why a backup was taken; retention removes only the routine ones. */
public enum BackupReason {
    ON_DEMAND("on-demand"), SCHEDULED("scheduled"), BEFORE_ROLLOUT("before-rollout"),
    BEFORE_RESTORE("before-restore"), DELETION("deletion");

    private final String wire;

    BackupReason(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
