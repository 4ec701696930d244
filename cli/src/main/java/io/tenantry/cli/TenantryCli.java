package io.tenantry.cli;

import java.io.Console;
import java.nio.file.Path;
import java.io.PrintWriter;
import java.util.Map;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code tenantry}: the operators' client of the platform's REST APIs. Every command prints a table (or
 * {@code --output json}, the API's JSON) and exits with a code from {@link ExitCodes}.
 */
@Command(mixinStandardHelpOptions = true, name = "tenantry", version = "tenantry 0.1.0",
        description = "Operate a Tenantry platform over its REST APIs: organizations, tenants, rollouts, backups, restores, moves.",
        subcommands = {LoginCommand.class, LogoutCommand.class, OrgCommands.class, TenantCommands.class,
                RolloutCommands.class, BackupCommands.class, RestoreCommand.class, RestoreCommands.class, CloneCommand.class,
                MoveCommands.class, ServerCommands.class, HealthCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the command succeeded",
                "1:the operation ran and failed (e.g. a rollout ended failed)",
                "2:usage error (unknown option, missing argument)",
                "3:not logged in, login expired, wrong credentials or not allowed (401, 403)",
                "4:not found (404)",
                "5:refused: a conflict or invalid input (other 4xx problems)",
                "6:service unavailable: connection refused, timeout or 5xx"})
public final class TenantryCli extends CommandGroup {

    @Mixin
    OutputOption out;

    final Map<String, String> env;
    private PlatformClient api;

    TenantryCli(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv()).execute(args));
    }

    /**
     * The command line with every command, help on each, {@code completion} (a bash completion script) and the
     * exit codes; {@code env} stands for the process environment (the tests give their own).
     */
    public static CommandLine commandLine(Map<String, String> env) {
        CommandLine commandLine = new CommandLine(new TenantryCli(env));
        commandLine.addSubcommand("completion", new AutoComplete.GenerateCompletion());
        commandLine.getSubcommands().get("completion").getCommandSpec().usageMessage().hidden(false)
                .description("Prints a bash completion script: source <(tenantry completion)");
        commandLine.setExecutionExceptionHandler((e, failed, parsed) -> {
            if (e instanceof CliFailure failure) {
                failed.getErr().println("tenantry: " + failure.getMessage());
                failed.getErr().flush();
                return failure.exitCode;
            }
            throw e;
        });
        return commandLine;
    }

    Path configDirectory() {
        return Session.directory(env);
    }

    PlatformClient api() {
        if (api == null) {
            api = new PlatformClient(configDirectory(), env, TenantryCli::askPassword);
        }
        return api;
    }

    Output output(PrintWriter writer, Output.Format asked) {
        Output.Format format = asked != null ? asked : out.format;
        return new Output(writer, format != null ? format : Output.Format.table);
    }

    /** A password typed on the terminal; null when there is none to ask on. */
    static char[] askPassword() {
        Console console = System.console();
        return console == null ? null : console.readPassword("Password: ");
    }

    /** Whether output goes to a terminal, for the live progress bar. */
    static boolean onTerminal() {
        return System.console() != null;
    }
}
