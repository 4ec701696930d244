package io.tenantry.common.problem;

import java.util.List;
import java.util.Map;

/**
 * A failure with a known HTTP meaning, thrown by services and turned into a problem body at the edge.
 * Services stay free of JAX-RS types; the status code is the only HTTP knowledge they carry.
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String title;
    private final Map<String, String> headers;
    private final List<Problem.FieldError> errors;

    public ApiProblem(int status, String title, String detail) {
        this(status, title, detail, Map.of());
    }

    public ApiProblem(int status, String title, String detail, Map<String, String> headers) {
        this(status, title, detail, headers, List.of());
    }

    private ApiProblem(int status, String title, String detail, Map<String, String> headers,
                       List<Problem.FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.headers = headers;
        this.errors = errors;
    }

    public static ApiProblem badRequest(String detail) {
        return new ApiProblem(400, "Bad Request", detail);
    }

    /** One parameter or field that breaks its rules, named in the problem's {@code errors}. */
    public static ApiProblem invalid(String field, String message) {
        return new ApiProblem(400, "Bad Request", "'" + field + "' " + message, Map.of(),
                List.of(new Problem.FieldError(field, message)));
    }

    public static ApiProblem unauthorized(String detail) {
        return new ApiProblem(401, "Unauthorized", detail, Map.of("WWW-Authenticate", "Bearer"));
    }

    public static ApiProblem forbidden(String detail) {
        return new ApiProblem(403, "Forbidden", detail);
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(404, "Not Found", detail);
    }

    public static ApiProblem conflict(String detail) {
        return new ApiProblem(409, "Conflict", detail);
    }

    public static ApiProblem unprocessable(String detail) {
        return new ApiProblem(422, "Unprocessable Content", detail);
    }

    public static ApiProblem tooManyRequests(String detail, long retryAfterSeconds) {
        return new ApiProblem(429, "Too Many Requests", detail,
                Map.of("Retry-After", Long.toString(Math.max(1, retryAfterSeconds))));
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
