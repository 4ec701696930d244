package io.tenantry.provisioner.backup;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

import io.tenantry.common.OrgId;

/**
 * Backups in a folder: {@code <root>/<orgId>/<backupId>/<file>}. Each file is written under a temporary name and
 * renamed when closed, so a crash never leaves a half-written file under its real name.
 */
public class FilesystemBackupStore implements BackupStore {

    private final Path root;

    public FilesystemBackupStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public OutputStream create(OrgId orgId, UUID backupId, String file) throws IOException {
        Path folder = folder(orgId, backupId);
        Files.createDirectories(folder);
        Path target = folder.resolve(BackupStore.checkedFileName(file));
        Path partial = folder.resolve(file + ".partial");
        return new FilterOutputStream(Files.newOutputStream(partial)) {
            private boolean closed;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                super.close();
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        };
    }

    @Override
    public InputStream open(OrgId orgId, UUID backupId, String file) throws IOException {
        return Files.newInputStream(folder(orgId, backupId).resolve(BackupStore.checkedFileName(file)));
    }

    @Override
    public void delete(OrgId orgId, UUID backupId) throws IOException {
        Path folder = folder(orgId, backupId);
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public String location(OrgId orgId, UUID backupId) {
        return folder(orgId, backupId).toString();
    }

    private Path folder(OrgId orgId, UUID backupId) {
        return root.resolve(orgId.value()).resolve(backupId.toString());
    }
}
