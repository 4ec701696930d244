package io.tenantry.provisioner.cli;

import static io.tenantry.provisioner.cli.CommandOutput.arguments;
import static io.tenantry.provisioner.cli.CommandOutput.await;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.tenantry.provisioner.backup.BackupView;
import io.tenantry.provisioner.backup.Backups;
import io.tenantry.provisioner.fleet.FleetStatus;
import io.tenantry.provisioner.restore.RestoreView;
import io.tenantry.provisioner.restore.Restores;

/**
 * The command line's operations on a tenant's data: {@code backup ORG}, {@code backups ORG}, {@code verify BACKUP},
 * {@code restore ORG BACKUP}, {@code clone BACKUP NEW_ORG} and {@code history ORG}. Long ones print their progress
 * every second and end with the operation as JSON; the exit code is 0 when it succeeded, 1 when it did not or was
 * refused, 2 for a command line that cannot be understood.
 */
@ApplicationScoped
public class DataCommands {

    static final String USAGE = "backup ORG | backups ORG | verify BACKUP | restore ORG BACKUP | clone BACKUP NEW_ORG"
            + " | history ORG";

    @Inject
    Backups backups;

    @Inject
    Restores restores;

    @Inject
    FleetStatus fleet;

    @Inject
    CommandOutput output;

    /** Runs {@code args} (the command first) if it is one of these commands; null when it is not. */
    public Integer run(String[] args, PrintStream out, PrintStream err) throws Exception {
        return CommandOutput.refusalsAsExitCodes(args, err, USAGE, () -> switch (args[0]) {
            case "backup" -> backup(arguments(args, 1).get(0), out);
            case "backups" -> output.print(backups.list(arguments(args, 1).get(0), null, null), out);
            case "verify" -> verify(UUID.fromString(arguments(args, 1).get(0)), out);
            case "restore" -> {
                List<String> a = arguments(args, 2);
                yield follow(restores.restore(a.get(0), UUID.fromString(a.get(1)), "cli"), out);
            }
            case "clone" -> {
                List<String> a = arguments(args, 2);
                UUID backup = UUID.fromString(a.get(0));
                yield follow(restores.cloneInto(a.get(1), backups.find(backup).orgId(), backup, "cli"), out);
            }
            case "history" -> history(arguments(args, 1).get(0), out);
            default -> null;
        });
    }

    private int backup(String orgId, PrintStream out) throws Exception {
        BackupView started = backups.start(orgId, "cli");
        BackupView done = await(() -> backups.get(orgId, started.id()), b -> !"running".equals(b.status()), out,
                b -> String.format(Locale.ROOT, "backup %s: %d/%s tables, %,d rows, %.1f MB", b.id(), b.tablesDone(),
                        b.tablesTotal() == null ? "?" : b.tablesTotal(), b.rows(), b.bytes() / 1e6));
        output.print(done, out);
        return done.completed() ? 0 : 1;
    }

    private int verify(UUID backupId, PrintStream out) throws JsonProcessingException {
        Backups.VerificationView result = backups.verify(backups.find(backupId).orgId(), backupId);
        output.print(result, out);
        return result.intact() ? 0 : 1;
    }

    private int follow(RestoreView started, PrintStream out) throws Exception {
        long begun = System.nanoTime();
        RestoreView done = await(() -> restores.view(started.orgId(), started.id()),
                r -> "done".equals(r.step()) || "failed".equals(r.step()), out, r -> {
                    double share = r.rowsTotal() == 0 ? 0 : (double) r.rowsLoaded() / r.rowsTotal();
                    double elapsed = (System.nanoTime() - begun) / 1e9;
                    String eta = share <= 0 ? "?" : String.format(Locale.ROOT, "%.0f s", elapsed / share - elapsed);
                    return String.format(Locale.ROOT, "restore %s of %s: %s, %,d of %,d rows (%.0f %%), ETA %s",
                            r.id(), r.orgId(), r.step(), r.rowsLoaded(), r.rowsTotal(), share * 100, eta);
                });
        output.print(done, out);
        return "done".equals(done.step()) ? 0 : 1;
    }

    private int history(String orgId, PrintStream out) throws JsonProcessingException {
        output.print(new History(fleet.tenant(orgId), backups.list(orgId, null, 100), restores.list(orgId)), out);
        return 0;
    }

    record History(FleetStatus.TenantDetail tenant, List<BackupView> backups, List<RestoreView> restores) {
    }
}
