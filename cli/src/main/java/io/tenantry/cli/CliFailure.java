package io.tenantry.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** A command that cannot go on: its message is printed on one line on stderr, and the process exits with the code. */
final class CliFailure extends RuntimeException {

    final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /** The services' answer: an RFC 7807 problem body read as one line, or the status and body as they came. */
    static CliFailure ofResponse(String request, int status, JsonNode body) {
        if (!body.has("title") && !body.has("detail")) {
            return new CliFailure(ExitCodes.forStatus(status),
                    request + " answered " + status + (body.isMissingNode() ? "" : ": " + body));
        }
        StringBuilder line = new StringBuilder(body.path("title").asText("HTTP " + status));
        if (body.hasNonNull("detail")) {
            line.append(": ").append(body.get("detail").asText());
        }
        for (JsonNode error : body.path("errors")) {
            line.append("; ").append(error.path("field").asText()).append(' ').append(error.path("message").asText());
        }
        line.append(" (").append(status).append(", ").append(request).append(')');
        return new CliFailure(ExitCodes.forStatus(status), line.toString().replace('\n', ' '));
    }
}
