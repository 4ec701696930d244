package io.tenantry.provisioner.cli;

import static io.tenantry.provisioner.cli.CommandOutput.arguments;
import static io.tenantry.provisioner.cli.CommandOutput.await;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tenantry.provisioner.move.FleetMoves;
import io.tenantry.provisioner.move.MoveView;
import io.tenantry.provisioner.move.Moves;

/**
 * The command line's moves of tenants between servers: {@code move ORG --to SERVER} (or {@code --region REGION}),
 * {@code moves ORG}, {@code abort-move ORG MOVE}, {@code servers}, {@code drain SERVER}, {@code open SERVER} and
 * {@code rebalance REGION [--apply]}. A move and a drain print their progress every second until they end; the exit
 * code is 0 when everything moved, 1 when something did not or was refused, 2 for a command line not understood.
 */
@ApplicationScoped
public class MoveCommands {

    static final String USAGE = "move ORG --to SERVER | move ORG --region REGION | moves ORG | abort-move ORG MOVE"
            + " | servers | drain SERVER | open SERVER | rebalance REGION [--apply]";

    @Inject
    Moves moves;

    @Inject
    FleetMoves fleet;

    @Inject
    CommandOutput output;

    /** Runs {@code args} (the command first) if it is one of these commands; null when it is not. */
    public Integer run(String[] args, PrintStream out, PrintStream err) throws Exception {
        return CommandOutput.refusalsAsExitCodes(args, err, USAGE, () -> switch (args[0]) {
            case "move" -> move(args, out);
            case "moves" -> output.print(moves.list(arguments(args, 1).get(0)), out);
            case "abort-move" -> {
                List<String> a = arguments(args, 2);
                yield output.print(moves.abort(a.get(0), UUID.fromString(a.get(1))), out);
            }
            case "servers" -> output.print(fleet.servers(), out);
            case "drain" -> drain(arguments(args, 1).get(0), out);
            case "open" -> output.print(fleet.open(arguments(args, 1).get(0), "cli"), out);
            case "rebalance" -> {
                boolean apply = args.length == 3 && "--apply".equals(args[2]);
                String region = arguments(apply ? new String[] {args[0], args[1]} : args, 1).get(0);
                yield output.print(fleet.rebalance(region, apply, "cli"), out);
            }
            default -> null;
        });
    }

    private int move(String[] args, PrintStream out) throws Exception {
        if (args.length != 4 || !("--to".equals(args[2]) || "--region".equals(args[2]))) {
            throw new IllegalArgumentException("move takes ORG and --to SERVER or --region REGION");
        }
        boolean toServer = "--to".equals(args[2]);
        MoveView started = moves.request(args[1], toServer ? args[3] : null, toServer ? null : args[3], "cli");
        MoveView done = await(() -> moves.view(started.orgId(), started.id()), MoveView::finished, out,
                MoveCommands::progress);
        output.print(done, out);
        return "done".equals(done.step()) ? 0 : 1;
    }

    private int drain(String server, PrintStream out) throws Exception {
        FleetMoves.DrainView drain = fleet.drain(server, "cli");
        List<MoveView> done = await(() -> drain.moves().stream().map(m -> moves.view(m.orgId(), m.id())).toList(),
                all -> all.stream().allMatch(MoveView::finished), out, all -> String.format(Locale.ROOT,
                        "drain %s: %d of %d moved, %d moving, %d failed or aborted", server,
                        all.stream().filter(m -> "done".equals(m.step())).count(), all.size(),
                        all.stream().filter(m -> !m.finished()).count(),
                        all.stream().filter(m -> m.finished() && !"done".equals(m.step())).count()));
        output.print(new FleetMoves.DrainView(server, true, done), out);
        return done.stream().allMatch(m -> "done".equals(m.step())) ? 0 : 1;
    }

    private static String progress(MoveView m) {
        double share = m.bytesTotal() == 0 ? 0 : Math.min(1, (double) m.bytesCopied() / m.bytesTotal());
        return String.format(Locale.ROOT, "move %s of %s %s -> %s: %s, %d/%d tables in sync, %,d rows, %.1f of %.1f MB"
                        + " (%.0f %%), lag %s", m.id(), m.orgId(), m.sourceServer(), m.targetServer(), m.step(),
                m.tablesSynced(), m.tablesTotal(), m.rowsCopied(), m.bytesCopied() / 1e6, m.bytesTotal() / 1e6,
                share * 100, m.lagBytes() == null ? "?" : m.lagBytes() + " B");
    }
}
