package io.tenantry.provisioner.servers;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tenantry.provisioner.ProvisionerConfig;

/** Administrative connections to the configured PostgreSQL servers, to a server's maintenance or tenant database. */
@ApplicationScoped
public class TenantServers {

    @Inject
    ProvisionerConfig config;

    public Map<String, ProvisionerConfig.Server> all() {
        return config.servers();
    }

    public ProvisionerConfig.Server get(String name) {
        ProvisionerConfig.Server server = config.servers().get(name);
        if (server == null) {
            throw new IllegalStateException("server '" + name + "' is not configured");
        }
        return server;
    }

    /** A connection to the server's maintenance database, where databases and roles are created. */
    public Connection admin(String name) throws SQLException {
        ProvisionerConfig.Server server = get(name);
        return DriverManager.getConnection(withTls(server.jdbcUrl()), server.adminUser(),
                server.adminPassword().orElse(""));
    }

    /** An administrative connection to one database on the server. */
    public Connection admin(String name, String database) throws SQLException {
        ProvisionerConfig.Server server = get(name);
        return DriverManager.getConnection(databaseUrl(name, database), server.adminUser(),
                server.adminPassword().orElse(""));
    }

    /** The server's JDBC URL with the database swapped, keeping host, port and parameters, TLS settings added. */
    public String databaseUrl(String name, String database) {
        String url = get(name).jdbcUrl();
        int slash = url.indexOf('/', "jdbc:postgresql://".length());
        int query = url.indexOf('?', slash);
        return withTls(url.substring(0, slash + 1) + database + (query < 0 ? "" : url.substring(query)));
    }

    /**
     * A libpq connection string to one database on the server as its admin role, for another server's subscription:
     * the server's replication-conninfo, else the host and port of its JDBC URL with tenant-tls's sslmode, where
     * {@code verify-ca} and {@code verify-full} become {@code require}: the other server has no copy of our CA file.
     */
    public String replicationConninfo(String name, String database) {
        ProvisionerConfig.Server server = get(name);
        StringBuilder conninfo = new StringBuilder(server.replicationConninfo().orElseGet(() -> {
            URI url = URI.create(server.jdbcUrl().substring("jdbc:".length()));
            String hostAndPort = "host=" + url.getHost() + (url.getPort() > 0 ? " port=" + url.getPort() : "");
            return hostAndPort + config.tenantTls().sslMode()
                    .map(mode -> " sslmode=" + (mode.startsWith("verify") ? "require" : mode)).orElse("");
        }));
        conninfo.append(" dbname=").append(conninfoValue(database))
                .append(" user=").append(conninfoValue(server.adminUser()));
        server.adminPassword().filter(p -> !p.isEmpty())
                .ifPresent(p -> conninfo.append(" password=").append(conninfoValue(p)));
        return conninfo.toString();
    }

    private static String conninfoValue(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** The URL with tenantry.provisioner.tenant-tls's sslmode and sslrootcert, where it does not set its own. */
    String withTls(String url) {
        StringBuilder result = new StringBuilder(url);
        addParameterIfAbsent(result, "sslmode", config.tenantTls().sslMode());
        addParameterIfAbsent(result, "sslrootcert", config.tenantTls().caFile());
        return result.toString();
    }

    private static void addParameterIfAbsent(StringBuilder url, String name, Optional<String> value) {
        int query = url.indexOf("?");
        boolean present = query >= 0 && Arrays.stream(url.substring(query + 1).split("&"))
                .anyMatch(p -> p.startsWith(name + "="));
        if (value.isPresent() && !present) {
            url.append(query < 0 ? '?' : '&').append(name).append('=')
                    .append(URLEncoder.encode(value.get(), StandardCharsets.UTF_8));
        }
    }
}
