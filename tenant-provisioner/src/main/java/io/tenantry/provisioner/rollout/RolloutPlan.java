package io.tenantry.provisioner.rollout;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

/**
 * How a rollout proceeds: {@code canarySize} tenants first (any failure among them stops the rollout), then the
 * rest with at most {@code parallelism} tenants (and so connections) at a time, stopping once more than
 * {@code maxFailures} tenants have failed. Each tenant is brought to {@code targetVersion}, a released results
 * schema version: migrated up when below it, downgraded by the inverses when above it. Without one, tenants are
 * migrated up to the newest version. A tenant whose registry row already shows the target version and the configured
 * session limits is counted as up to date without its database being opened, unless {@code verify} asks for every
 * database to be looked at (the drift check).
 */
public record RolloutPlan(@Min(0) @Max(1000) Integer canarySize, @Min(1) @Max(64) Integer parallelism,
                          @Min(0) @Max(100_000) Integer maxFailures, @Size(max = 20) String targetVersion,
                          Boolean verify) {

    public static final RolloutPlan DEFAULT = new RolloutPlan(1, 4, 0, null, false);

    public RolloutPlan(Integer canarySize, Integer parallelism, Integer maxFailures) {
        this(canarySize, parallelism, maxFailures, null, false);
    }

    public RolloutPlan(Integer canarySize, Integer parallelism, Integer maxFailures, String targetVersion) {
        this(canarySize, parallelism, maxFailures, targetVersion, false);
    }

    public RolloutPlan withDefaults() {
        return new RolloutPlan(canarySize == null ? DEFAULT.canarySize : canarySize,
                parallelism == null ? DEFAULT.parallelism : parallelism,
                maxFailures == null ? DEFAULT.maxFailures : maxFailures, targetVersion, Boolean.TRUE.equals(verify));
    }
}
