package io.tenantry.common.problem;

import java.util.List;
import java.util.Map;

/**
 * A failure with a known HTTP meaning, thrown by services and turned into a problem body at the edge.
 * Services stay free of JAX-RS types; the status code and the {@link ProblemType} are the only HTTP knowledge
 * they carry. Prefer the factories, which pick the kind; a status given alone gets the kind it means.
 */
public class ApiProblem extends RuntimeException {

    private final ProblemType type;
    private final int status;
    private final String title;
    private final Map<String, String> headers;
    private final List<Problem.FieldError> errors;

    public ApiProblem(int status, String title, String detail) {
        this(status, title, detail, Map.of());
    }

    public ApiProblem(int status, String title, String detail, Map<String, String> headers) {
        this(ProblemType.forStatus(status), status, title, detail, headers, List.of());
    }

    private ApiProblem(ProblemType type, int status, String title, String detail, Map<String, String> headers,
                       List<Problem.FieldError> errors) {
        super(detail, null, false, false);
        this.type = type;
        this.status = status;
        this.title = title;
        this.headers = headers;
        this.errors = errors;
    }

    private static ApiProblem of(ProblemType type, int status, String detail) {
        return new ApiProblem(type, status, type.title(), detail, Map.of(), List.of());
    }

    private static ApiProblem retryLater(ProblemType type, int status, String detail, long retryAfterSeconds) {
        return new ApiProblem(type, status, type.title(), detail,
                Map.of("Retry-After", Long.toString(Math.max(1, retryAfterSeconds))), List.of());
    }

    public static ApiProblem badRequest(String detail) {
        return of(ProblemType.VALIDATION, 400, detail);
    }

    /** One parameter or field that breaks its rules, named in the problem's {@code errors}. */
    public static ApiProblem invalid(String field, String message) {
        return new ApiProblem(ProblemType.VALIDATION, 400, ProblemType.VALIDATION.title(), "'" + field + "' " + message,
                Map.of(), List.of(new Problem.FieldError(field, message)));
    }

    public static ApiProblem unauthorized(String detail) {
        return new ApiProblem(ProblemType.UNAUTHORIZED, 401, ProblemType.UNAUTHORIZED.title(), detail,
                Map.of("WWW-Authenticate", "Bearer"), List.of());
    }

    public static ApiProblem forbidden(String detail) {
        return of(ProblemType.FORBIDDEN, 403, detail);
    }

    public static ApiProblem notFound(String detail) {
        return of(ProblemType.NOT_FOUND, 404, detail);
    }

    public static ApiProblem conflict(String detail) {
        return of(ProblemType.CONFLICT, 409, detail);
    }

    /** The organization's database is still being created or migrated: the same request will work shortly. */
    public static ApiProblem tenantNotReady(String detail, long retryAfterSeconds) {
        return retryLater(ProblemType.TENANT_NOT_READY, 409, detail, retryAfterSeconds);
    }

    public static ApiProblem tenantSuspended(String detail) {
        return of(ProblemType.TENANT_SUSPENDED, 423, detail);
    }

    /** The organization's database is being restored from a backup: closed until the restore ends. */
    public static ApiProblem tenantMaintenance(String detail, long retryAfterSeconds) {
        return retryLater(ProblemType.TENANT_MAINTENANCE, 503, detail, retryAfterSeconds);
    }

    public static ApiProblem unprocessable(String detail) {
        return of(ProblemType.UNPROCESSABLE, 422, detail);
    }

    public static ApiProblem tooManyRequests(String detail, long retryAfterSeconds) {
        return retryLater(ProblemType.RATE_LIMITED, 429, detail, retryAfterSeconds);
    }

    /** A database (metadata, or an organization's own) that cannot be reached or has no free connection. */
    public static ApiProblem databaseUnavailable(String detail, long retryAfterSeconds) {
        return retryLater(ProblemType.DATABASE_UNAVAILABLE, 503, detail, retryAfterSeconds);
    }

    public static ApiProblem queueUnavailable(String detail, long retryAfterSeconds) {
        return retryLater(ProblemType.QUEUE_UNAVAILABLE, 503, detail, retryAfterSeconds);
    }

    public ProblemType type() {
        return type;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }
}
