package io.tenantry.cli;

import java.time.Duration;

import picocli.CommandLine.Option;

/** {@code --wait} and how long, on the commands that start an operation the provisioner runs in the background. */
final class WaitOption {

    @Option(names = "--wait", description = "follow it to its end, with its progress; exit code 1 unless it succeeds")
    boolean wait;

    @Option(names = "--timeout", defaultValue = "3600", paramLabel = "SECONDS",
            description = "how long --wait waits (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--interval", defaultValue = "1", paramLabel = "SECONDS",
            description = "how often --wait asks (default: ${DEFAULT-VALUE})")
    double intervalSeconds;

    Duration interval() {
        return Duration.ofMillis(Math.max(100, (long) (intervalSeconds * 1000)));
    }
}
