package io.tenantry.cli;

import picocli.CommandLine.Command;

@Command(mixinStandardHelpOptions = true, name = "logout", description = "Forgets the token kept by tenantry login.")
final class LogoutCommand extends CommandGroup {

    @Override
    public void run() {
        boolean deleted = Session.delete(root().configDirectory());
        spec.commandLine().getOut().println(deleted ? "Logged out." : "Not logged in.");
        spec.commandLine().getOut().flush();
    }
}
