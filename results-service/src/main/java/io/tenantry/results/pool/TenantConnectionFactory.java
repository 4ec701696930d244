package io.tenantry.results.pool;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.tenantry.common.OrgId;
import io.tenantry.common.TenantCredentials;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.results.config.ResultsConfig;
import io.tenantry.results.store.TenantRoute;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.PoolOptions;

/**
 * Makes one connection to a tenant's database, as the tenant's own role with its derived password: a reactive pool
 * of exactly one connection ({@code PgBuilder.pool()} with size 1), which can never open a second one, so the
 * budget counts real connections whichever event loop asks. Nothing connects until the pool is first used.
 */
@ApplicationScoped
public class TenantConnectionFactory {

    private static final Logger LOG = Logger.getLogger(TenantConnectionFactory.class);

    @Inject
    Vertx vertx;

    @Inject
    ResultsConfig config;

    /** 503 when the route names a server this service has not been told about. */
    Pool open(TenantRoute route) {
        ResultsConfig.Server server = config.servers().get(route.server());
        if (server == null) {
            LOG.errorf("tenant %s lives on server '%s', which is not configured", route.orgId(), route.server());
            throw new ApiProblem(503, "Service Unavailable", "the organization's database cannot be reached");
        }
        OrgId orgId = OrgId.of(route.orgId());
        SslMode sslMode = SslMode.of(server.sslMode().orElse(config.tenantTls().sslMode()));
        PgConnectOptions connect = new PgConnectOptions()
                .setHost(server.host())
                .setPort(server.port())
                .setSslMode(sslMode)
                .setDatabase(route.databaseName())
                .setUser(route.roleName())
                .setPassword(TenantCredentials.password(config.masterSecret(), orgId, route.credentialGeneration()))
                .setConnectTimeout((int) config.pools().acquireTimeout().toMillis())
                .setCachePreparedStatements(true)
                .setPreparedStatementCacheMaxSize(64);
        // Vert.x reads the CA file before it connects, even without TLS; ./run.sh has none where prod expects it.
        if (sslMode != SslMode.DISABLE) {
            config.tenantTls().caFile().ifPresent(ca -> connect.setPemTrustOptions(new PemTrustOptions().addCertPath(ca)));
        }
        if (sslMode == SslMode.VERIFY_FULL) {
            connect.setHostnameVerificationAlgorithm("HTTPS");
        }
        PoolOptions options = new PoolOptions()
                .setName("tenant-" + route.orgId())
                .setMaxSize(1)
                .setConnectionTimeout((int) Math.max(1, config.pools().acquireTimeout().toSeconds()));
        return Pool.newInstance(PgBuilder.pool().with(options).connectingTo(connect).using(vertx).build());
    }
}
