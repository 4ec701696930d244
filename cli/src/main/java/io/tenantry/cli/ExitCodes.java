package io.tenantry.cli;

/** What {@code tenantry} exits with; scripts rely on these, so they only ever gain members. */
public final class ExitCodes {

    public static final int OK = 0;
    /** The operation ran and did not succeed, e.g. a rollout that ended failed or stopped. */
    public static final int FAILED = 1;
    /** A command line picocli rejected: unknown option, missing or malformed argument. */
    public static final int USAGE = 2;
    /** No login, an expired one that cannot be renewed here, wrong credentials, or not allowed (401, 403). */
    public static final int NOT_AUTHENTICATED = 3;
    public static final int NOT_FOUND = 4;
    /** The service refused the request: a conflict or invalid input (the other 4xx problems). */
    public static final int REFUSED = 5;
    /** The service did not answer, refused the connection, or answered 5xx. */
    public static final int UNAVAILABLE = 6;

    private ExitCodes() {
    }

    /** The exit code for an HTTP status the services answered with. */
    static int forStatus(int status) {
        return switch (status) {
            case 401, 403 -> NOT_AUTHENTICATED;
            case 404 -> NOT_FOUND;
            default -> status >= 500 ? UNAVAILABLE : REFUSED;
        };
    }
}
