package io.tenantry.cli;

import picocli.CommandLine.Option;

/** {@code --output}, on every command that prints (a mixin: picocli's inherited options do not reach method commands). */
final class OutputOption {

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table (default) or json (the API's JSON, "
            + "for scripts)")
    Output.Format format;
}
