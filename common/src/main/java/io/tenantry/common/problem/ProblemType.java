package io.tenantry.common.problem;

/**
 * The kinds of problem a Tenantry service answers with, each a stable {@code type} URI a client can switch on, so
 * "the tenant is not ready, retry" is told apart from "that already exists" without reading the detail. The list,
 * with what each means and whether a retry helps, is in docs/architecture.md (Errors); keep the two together.
 */
public enum ProblemType {

    VALIDATION("validation", "Bad Request", false),
    UNAUTHORIZED("unauthorized", "Unauthorized", false),
    FORBIDDEN("forbidden", "Forbidden", false),
    NOT_FOUND("not-found", "Not Found", false),
    UNSUPPORTED_REQUEST("unsupported-request", "Unsupported Request", false),
    CONFLICT("conflict", "Conflict", false),
    TENANT_NOT_READY("tenant-not-ready", "Conflict", true),
    TENANT_SUSPENDED("tenant-suspended", "Locked", false),
    TENANT_MAINTENANCE("tenant-maintenance", "Service Unavailable", true),
    UNPROCESSABLE("unprocessable", "Unprocessable Content", false),
    RATE_LIMITED("rate-limited", "Too Many Requests", true),
    DATABASE_UNAVAILABLE("database-unavailable", "Service Unavailable", true),
    QUEUE_UNAVAILABLE("queue-unavailable", "Service Unavailable", true),
    SERVICE_UNAVAILABLE("service-unavailable", "Service Unavailable", true),
    SERVER_ERROR("server-error", "Internal Server Error", false);

    public static final String BASE = "https://tenantry.dev/problems/";

    private final String uri;
    private final String title;
    private final boolean retryable;

    ProblemType(String name, String title, boolean retryable) {
        this.uri = BASE + name;
        this.title = title;
        this.retryable = retryable;
    }

    /** The {@code type} member of the problem body. */
    public String uri() {
        return uri;
    }

    /** The title a problem of this kind carries unless it says more. */
    public String title() {
        return title;
    }

    /** Whether the same request may succeed later unchanged; such problems carry {@code Retry-After}. */
    public boolean retryable() {
        return retryable;
    }

    /** The kind a bare status code means when nothing more specific is known (JAX-RS's own 404, 405, 415...). */
    public static ProblemType forStatus(int status) {
        return switch (status) {
            case 400 -> VALIDATION;
            case 401 -> UNAUTHORIZED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405, 406, 413, 414, 415, 431 -> UNSUPPORTED_REQUEST;
            case 409 -> CONFLICT;
            case 422 -> UNPROCESSABLE;
            case 423 -> TENANT_SUSPENDED;
            case 429 -> RATE_LIMITED;
            case 503 -> SERVICE_UNAVAILABLE;
            default -> status < 500 ? VALIDATION : SERVER_ERROR;
        };
    }
}
