package io.tenantry.common.problem;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/** Turns every failure into an RFC 7807 body: clients never see a stack trace or an HTML page. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    /** How Jackson's strict duplicate detection (see {@link StrictJson}) words its refusal. */
    private static final String DUPLICATE_FIELD = "Duplicate field '";

    @ServerExceptionMapper
    public Response apiProblem(ApiProblem e, UriInfo uri) {
        return toResponse(e, uri);
    }

    /** For service-specific mappers that translate their own exceptions into an {@link ApiProblem}. */
    public static Response toResponse(ApiProblem e, UriInfo uri) {
        return respond(e.type(), e.status(), e.title(), e.getMessage(), uri, e.errors(), e.headers());
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        return invalid("the request has invalid fields", uri, errors);
    }

    @ServerExceptionMapper
    public Response unknownField(PropertyBindingException e, UriInfo uri) {
        return invalid("unknown field '" + e.getPropertyName() + "'", uri,
                List.of(new Problem.FieldError(pathOf(e), "unknown field")));
    }

    @ServerExceptionMapper
    public Response wrongType(MismatchedInputException e, UriInfo uri) {
        String field = pathOf(e);
        if (e instanceof UnsafeTextException unsafe) {
            String where = field.isEmpty() ? "the request body" : "field '" + field + "'";
            return invalid(where + " " + unsafe.reason(), uri,
                    List.of(new Problem.FieldError(field.isEmpty() ? "(body)" : field, unsafe.reason())));
        }
        return invalid(field.isEmpty() ? "the request body has the wrong shape"
                        : "field '" + field + "' has the wrong type or format", uri,
                field.isEmpty() ? List.of() : List.of(new Problem.FieldError(field, "wrong type or format")));
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        StreamReadException duplicate = duplicateField(e);
        if (duplicate != null) {
            String field = pathOf(duplicate.getProcessor().getParsingContext());
            return invalid("field '" + field + "' is given more than once", uri,
                    List.of(new Problem.FieldError(field, "given more than once")));
        }
        return invalid("the request body is not valid JSON", uri, List.of());
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, UriInfo uri) {
        return toResponse(ApiProblem.unauthorized("a valid bearer token is required"), uri);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        return unauthorized(null, uri);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return toResponse(ApiProblem.forbidden("the caller may not do this"), uri);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof PropertyBindingException cause) {
            return unknownField(cause, uri);
        }
        if (e.getCause() instanceof MismatchedInputException cause) {
            return wrongType(cause, uri);
        }
        if (e.getCause() instanceof JsonProcessingException cause) {
            return malformedJson(cause, uri);
        }
        // JAX-RS answers a path or query parameter that does not convert (limit=abc, a job id that is no UUID)
        // with 404 carrying the conversion error; that is the client's malformed input, not a missing resource.
        if (e instanceof NotFoundException && e.getCause() != null) {
            String reason = String.valueOf(e.getCause().getMessage());
            return invalid("a path or query parameter has the wrong format: "
                    + (reason.length() > 200 ? reason.substring(0, 200) : reason), uri, List.of());
        }
        Response original = e.getResponse();
        int status = original.getStatus();
        if (status >= 500) {
            LOG.error("request failed", e);
        }
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "HTTP " + status : type.getReasonPhrase();
        String detail = status >= 500 ? "the server could not complete the request"
                : status == 404 ? "no resource at this path" : e.getMessage();
        return respond(ProblemType.forStatus(status), status, title, detail, uri, List.of(), Map.of());
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        if (DatabaseOutage.causedBy(e)) {
            return toResponse(DatabaseOutage.loggedProblem(e), uri);
        }
        LOG.error("unexpected failure", e);
        return respond(ProblemType.SERVER_ERROR, 500, ProblemType.SERVER_ERROR.title(),
                "the server could not complete the request", uri, List.of(), Map.of());
    }

    private static Response invalid(String detail, UriInfo uri, List<Problem.FieldError> errors) {
        return respond(ProblemType.VALIDATION, 400, ProblemType.VALIDATION.title(), detail, uri, errors, Map.of());
    }

    /** The one place a problem body is written. */
    static Response respond(ProblemType type, int status, String title, String detail, UriInfo uri,
                            List<Problem.FieldError> errors, Map<String, String> headers) {
        String instance = uri == null ? null : uri.getPath();
        Response.ResponseBuilder builder = Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem(type.uri(), title, status, detail, instance, errors));
        headers.forEach(builder::header);
        return builder.build();
    }

    private static String fieldOf(ConstraintViolation<?> violation) {
        // Paths look like "create.request.displayName": drop the method and parameter, keep the field.
        String path = violation.getPropertyPath().toString();
        String[] parts = path.split("\\.", 3);
        return parts.length == 3 ? parts[2] : parts[parts.length - 1];
    }

    /** The refusal of a duplicate key, which Jackson wraps when it happens inside a value read for a field. */
    private static StreamReadException duplicateField(Throwable e) {
        for (Throwable at = e; at != null; at = at.getCause()) {
            if (at instanceof StreamReadException read && read.getProcessor() != null
                    && read.getOriginalMessage() != null && read.getOriginalMessage().startsWith(DUPLICATE_FIELD)) {
                return read;
            }
        }
        return null;
    }

    /** The path of the name being read, such as {@code steps[1].config.depth}. */
    private static String pathOf(JsonStreamContext context) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
            parts.add(at.inObject() ? "." + at.getCurrentName() : "[" + at.getCurrentIndex() + "]");
        }
        Collections.reverse(parts);
        String path = String.join("", parts);
        return path.startsWith(".") ? path.substring(1) : path;
    }

    private static String pathOf(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
