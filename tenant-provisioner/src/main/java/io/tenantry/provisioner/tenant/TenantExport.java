package io.tenantry.provisioner.tenant;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.postgresql.PGConnection;

import io.tenantry.common.OrgId;
import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.provisioner.servers.TenantServers;

/** The final export of a tenant's database, written before it is dropped. */
@ApplicationScoped
public class TenantExport {

    @Inject
    TenantServers servers;

    @Inject
    ProvisionerConfig config;

    /**
     * Writes every table as gzipped CSV (with header) through COPY into a new folder under the export directory,
     * and returns the folder. A listing of the tables is written last, so a folder with it is complete.
     */
    public Path export(String server, OrgId orgId) throws SQLException, IOException {
        String stamp = DateTimeFormatter.ISO_INSTANT.format(Instant.now()).replace(':', '-');
        Path folder = config.exportDirectory().resolve(orgId.value()).resolve(stamp);
        Files.createDirectories(folder);
        List<String> tables = new ArrayList<>();
        try (Connection c = servers.admin(server, orgId.databaseName())) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            for (String table : tables) {
                try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(folder.resolve(table + ".csv.gz")))) {
                    copy.copyOut("COPY public." + Identifiers.quote(table) + " TO STDOUT WITH (FORMAT csv, HEADER)", out);
                }
            }
        }
        Files.writeString(folder.resolve("MANIFEST"), String.join("\n", tables) + "\n");
        return folder;
    }
}
