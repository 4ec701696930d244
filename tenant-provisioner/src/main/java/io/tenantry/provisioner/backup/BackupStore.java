package io.tenantry.provisioner.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.UUID;

import io.tenantry.common.OrgId;

/**
 * Where backups are kept. Every backup lives under its own organization's prefix, {@code <orgId>/<backupId>/}, and
 * a store derives every name from the validated org id and the backup id only, so no backup is written into another
 * tenant's space.
 */
public interface BackupStore {

    /** A new file of the backup; what was written becomes readable once the stream is closed. */
    OutputStream create(OrgId orgId, UUID backupId, String file) throws IOException;

    /** A file of the backup; {@link java.nio.file.NoSuchFileException} when it is not there. */
    InputStream open(OrgId orgId, UUID backupId, String file) throws IOException;

    /** Removes the backup's files; nothing happens when there are none. */
    void delete(OrgId orgId, UUID backupId) throws IOException;

    /** Where the backup is, for people: a folder or an object URL. */
    String location(OrgId orgId, UUID backupId);

    /** File names are the store's own (the manifest, one file per table), checked anyway before they become paths. */
    static String checkedFileName(String file) {
        if (!file.matches("[a-z0-9_][a-z0-9_.-]{0,99}")) {
            throw new IllegalArgumentException("not a backup file name: " + file);
        }
        return file;
    }
}
