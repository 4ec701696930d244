package io.tenantry.provisioner.backup;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.tenantry.provisioner.ProvisionerConfig;

/** The one backup store the configuration names; a store without its settings stops the provisioner at start. */
@ApplicationScoped
class BackupStores {

    @Produces
    @ApplicationScoped
    BackupStore store(ProvisionerConfig config) {
        ProvisionerConfig.Backups backups = config.backups();
        return switch (backups.store()) {
            case "filesystem" -> new FilesystemBackupStore(backups.directory().orElseThrow(() ->
                    new IllegalStateException("tenantry.provisioner.backups.directory must name the folder of the"
                            + " filesystem backup store")));
            case "s3" -> S3BackupStore.configured(backups.s3());
            default -> throw new IllegalStateException("tenantry.provisioner.backups.store: unknown store '"
                    + backups.store() + "' (filesystem, s3)");
        };
    }
}
