package io.tenantry.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import picocli.CommandLine;

/** Runs {@code tenantry} in this process with its own configuration directory, capturing what it prints. */
final class Cli {

    record Result(int exitCode, String out, String err) {

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    private final Map<String, String> env;

    Cli(Path configDirectory) {
        this(Map.of("TENANTRY_CONFIG_DIR", configDirectory.toString()));
    }

    Cli(Map<String, String> env) {
        this.env = env;
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = TenantryCli.commandLine(env);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
