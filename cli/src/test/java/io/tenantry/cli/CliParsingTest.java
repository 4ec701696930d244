package io.tenantry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine;

class CliParsingTest {

    @TempDir
    Path config;

    @Test
    void helpListsTheCommandsAndTheExitCodes() {
        Cli.Result help = new Cli(config).run("--help");
        assertEquals(0, help.exitCode(), help.toString());
        for (String command : List.of("login", "logout", "orgs", "tenants", "rollouts", "backups", "restore", "restores",
                "clone", "moves", "servers", "completion")) {
            assertTrue(help.out().contains(command), command + " in " + help);
        }
        assertTrue(help.out().contains("6   service unavailable"), help.toString());
    }

    @Test
    void everyCommandHasHelp() {
        List<List<String>> paths = new ArrayList<>();
        collect(TenantryCli.commandLine(Map.of()), new ArrayList<>(), paths);
        assertTrue(paths.size() > 30, paths.toString());
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Cli.Result help = new Cli(config).run(args.toArray(String[]::new));
            assertEquals(0, help.exitCode(), path + ": " + help);
            assertTrue(help.out().startsWith("Usage: tenantry"), path + ": " + help);
        }
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> paths) {
        paths.add(List.copyOf(path));
        command.getSubcommands().forEach((name, sub) -> {
            List<String> deeper = new ArrayList<>(path);
            deeper.add(name);
            collect(sub, deeper, paths);
        });
    }

    @Test
    void unknownOptionsMisspellingsAndMissingArgumentsAreUsageErrors() {
        Cli cli = new Cli(config);
        for (String[] args : List.of(
                new String[] {"tenants", "list", "--bogus"},
                new String[] {"rollouts", "start", "--paralelism", "3"},
                new String[] {"rollouts", "start", "--parallelism", "three"},
                new String[] {"rollouts", "show", "not-a-uuid"},
                new String[] {"orgs", "onboard", "acme", "--lead", "a@b.c"},
                new String[] {"moves", "start", "acme", "--to-server", "a", "--to-region", "b"},
                new String[] {"tenants", "show", "acme", "extra"},
                new String[] {"tenants"},
                new String[] {"tenants", "list", "--output", "yaml"},
                new String[] {"login"},
                new String[] {"launch"},
                new String[] {"restores", "list", "acme", "--bogus"},
                new String[] {"restores", "show", "acme", "not-a-uuid"},
                new String[] {"restores", "show", "acme"},
                new String[] {"restores"},
                new String[] {"restore", "acme", "--backup", UUID.randomUUID().toString(), "--wiat"},
                new String[] {"restore", "acme", "--backup", UUID.randomUUID().toString(), "--wait", "--timeout", "soon"},
                new String[] {"clone", "acme", "--from", "demo", "--backup", "not-a-uuid"},
                new String[] {"backups", "create", "acme", "--wait", "--interval", "often"},
                new String[] {"backups", "show", "acme", "not-a-uuid"},
                new String[] {"backups", "policy"},
                new String[] {"backups", "policy", "show", "acme", "--retain", "3"},
                new String[] {"backups", "policy", "set", "acme"},
                new String[] {"backups", "policy", "set", "acme", "--retain", "many"},
                new String[] {"backups", "policy", "set", "acme", "--interval", "60"},
                new String[] {"moves", "show", "acme", "not-a-uuid"},
                new String[] {"tenants", "summary", "acme"},
                new String[] {"tenants", "retry"},
                new String[] {"tenants", "retry", "acme", "--wait", "--timeout", "soon"},
                new String[] {"tenants", "health-history", "acme", "--limit", "all"},
                new String[] {"moves", "start", "acme", "--to-server", "a", "--wait", "--timeout"})) {
            Cli.Result result = cli.run(args);
            assertEquals(2, result.exitCode(), String.join(" ", args) + ": " + result);
            assertTrue(!result.err().isBlank() && result.out().isBlank(), String.join(" ", args) + ": " + result);
        }
        Cli.Result deleteWithoutTerminal = cli.run("tenants", "delete", "acme");
        assertEquals(2, deleteWithoutTerminal.exitCode(), deleteWithoutTerminal.toString());
        assertTrue(deleteWithoutTerminal.err().contains("--yes"), deleteWithoutTerminal.toString());
    }

    @Test
    void withoutALoginCommandsExitWithThree() {
        Cli.Result result = new Cli(config).run("tenants", "list", "--output", "json");
        assertEquals(3, result.exitCode(), result.toString());
        assertEquals("tenantry: not logged in: run tenantry login\n", result.err());
        assertEquals(0, new Cli(config).run("logout").exitCode());
    }

    @Test
    void aServiceThatIsNotThereExitsWithSix() {
        Cli.Result result = new Cli(config).run("login", "--email", "a@b.c", "--password=x",
                "--metadata-url", "http://127.0.0.1:9");
        assertEquals(6, result.exitCode(), result.toString());
        assertTrue(result.err().contains("did not accept the connection"), result.toString());
    }

    @Test
    void newCommandsNeedALoginToo() {
        for (String[] args : List.of(new String[] {"restores", "list", "acme", "-o", "json"},
                new String[] {"backups", "policy", "set", "acme", "--retain", "3"},
                new String[] {"restore", "acme", "--backup", UUID.randomUUID().toString(), "--wait"})) {
            Cli.Result result = new Cli(config).run(args);
            assertEquals(3, result.exitCode(), String.join(" ", args) + ": " + result);
        }
    }

    @Test
    void followingARestoreEndsWhenItIsDoneOrFailedAndGoesOnThroughAStopAfterTheSwap() {
        ObjectNode restore = PlatformClient.JSON.createObjectNode().put("step", "building").put("rowsLoaded", 3)
                .put("rowsTotal", 7).putNull("error");
        assertFalse(RestoreCommands.PROGRESS.ended().test(restore));
        assertEquals("building  3/7 rows loaded", RestoreCommands.PROGRESS.line().apply(restore));
        assertTrue(RestoreCommands.PROGRESS.ended().test(restore.deepCopy().put("step", "done")));
        assertTrue(RestoreCommands.PROGRESS.ended().test(restore.deepCopy().put("step", "failed")));
        ObjectNode stopped = restore.deepCopy().put("step", "swapped").put("error", "gone");
        assertFalse(RestoreCommands.PROGRESS.ended().test(stopped), "after the swap the provisioner retries an error");
        assertEquals("swapped   3/7 rows loaded; stopped, retried shortly: gone", RestoreCommands.PROGRESS.line().apply(stopped));
    }

    @Test
    void completionPrintsABashScript() {
        Cli.Result result = new Cli(config).run("completion");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("complete -F"), result.out().substring(0, Math.min(400, result.out().length())));
        assertTrue(result.out().contains("rollouts"));
    }

    @Test
    void theProgressLineCountsRatesAndEstimates() {
        RolloutProgress progress = new RolloutProgress(new PrintWriter(new StringWriter()), false,
                Duration.ofSeconds(10));
        ObjectNode rollout = PlatformClient.JSON.createObjectNode()
                .put("status", "running").put("total", 100).put("succeeded", 10).put("failed", 0).put("pending", 90);
        long start = System.nanoTime();
        progress.line(rollout, start);
        rollout.put("succeeded", 48).put("failed", 2).put("pending", 50);
        String line = progress.line(rollout, start + 20_000_000_000L);
        assertTrue(line.startsWith("running   [###############...............] 50/100 done, 2 failed, 50 remaining"),
                line);
        assertTrue(line.contains("ETA 2"), line);
        assertEquals("1m05s", RolloutProgress.formatDuration(65));
    }
}
