package io.tenantry.cli;

import java.io.PrintWriter;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command with subcommands, and what every command reaches through the top one: the API, the output. */
abstract class CommandGroup implements Runnable {

    @Spec
    CommandSpec spec;

    /** Without a subcommand: a usage error that names them. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "Missing subcommand: one of " + String.join(", ", spec.subcommands().keySet()));
    }

    TenantryCli root() {
        return (TenantryCli) spec.root().userObject();
    }

    PlatformClient api() {
        return root().api();
    }

    /**
     * {@code --wait} on a command that started a provisioner operation: the line saying so, its progress until it has
     * ended (neither in JSON), and its last view.
     */
    JsonNode followStarted(OutputOption out, WaitOption wait, String startedLine, String path, String what,
                           Follow.Progress progress) {
        PrintWriter lines = output(out).json() ? null : spec.commandLine().getOut();
        if (lines != null) {
            lines.println(startedLine);
        }
        return Follow.until(api(), PlatformClient.Service.PROVISIONER, path, what, progress, lines, wait.interval(),
                wait.timeoutSeconds);
    }

    /** The format asked for on this command, else on {@code tenantry} itself, else a table. */
    Output output(OutputOption local) {
        return root().output(spec.commandLine().getOut(), local.format);
    }
}
