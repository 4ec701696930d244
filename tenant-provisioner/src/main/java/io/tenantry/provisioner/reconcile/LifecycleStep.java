package io.tenantry.provisioner.reconcile;

import java.util.Optional;

import io.tenantry.common.lifecycle.DesiredState;
import io.tenantry.common.lifecycle.OrganizationStatus;

/**
 * The one step that brings an organization's observed status closer to its desired state. It decides both which
 * organizations need work and what is done to each, so the two cannot disagree.
 */
enum LifecycleStep {
    PROVISION, SUSPEND, RESUME, DELETE;

    /** The step from {@code status} towards {@code desired}; none from failed, which waits for an operator. */
    static Optional<LifecycleStep> toward(DesiredState desired, OrganizationStatus status) {
        return Optional.ofNullable(switch (desired) {
            case ACTIVE -> switch (status) {
                case REQUESTED, PROVISIONING -> PROVISION;
                case SUSPENDED -> RESUME;
                default -> null;
            };
            // A tenant suspended before it was ever created is created first, then suspended on the next pass.
            case SUSPENDED -> switch (status) {
                case REQUESTED, PROVISIONING -> PROVISION;
                case ACTIVE -> SUSPEND;
                default -> null;
            };
            case DELETED -> status == OrganizationStatus.DELETED ? null : DELETE;
        });
    }
}
