package io.tenantry.common.revocation;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "tenantry.token-revocation")
public interface RevocationConfig {

    /**
     * How often each replica re-reads the revocations changed lately, whatever Redis says: the longest a revocation
     * waits when its announcement on Redis is lost.
     */
    @WithDefault("2S")
    Duration pollInterval();

    /**
     * How far back each poll looks before the newest change it has seen, so that a row written by a transaction
     * that committed after a later one is still read. Longer than any transaction of metadata-service.
     */
    @WithDefault("30S")
    Duration pollOverlap();
}
