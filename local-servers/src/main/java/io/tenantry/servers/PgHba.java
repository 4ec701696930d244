package io.tenantry.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * initdb's default trusts every local connection, which would hide whether a tenant role's password and
 * CONNECT grants really hold. Only the bootstrap superuser stays trusted; every other role must authenticate.
 */
final class PgHba {

    private PgHba() {
    }

    static void requirePasswordsForTenantRoles(Path dataDir) {
        String rules = """
                # written by Tenantry's local servers: the superuser is trusted on loopback, all other roles authenticate
                local   all   postgres                trust
                host    all   postgres   127.0.0.1/32 trust
                host    all   postgres   ::1/128      trust
                local   all   all                     scram-sha-256
                host    all   all        127.0.0.1/32 scram-sha-256
                host    all   all        ::1/128      scram-sha-256
                """;
        try {
            Files.writeString(dataDir.resolve("pg_hba.conf"), rules);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
