package io.tenantry.common.openapi;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;

import io.tenantry.common.problem.Problem;
import io.tenantry.common.problem.ProblemType;

/**
 * Documents the RFC 7807 problem responses of every operation, as {@link io.tenantry.common.problem.ProblemMappers}
 * writes them. A service turns it on with {@code mp.openapi.filter=io.tenantry.common.openapi.ProblemResponses}.
 * An operation gets the 4xx codes its shape allows: 400 when it takes parameters or a body; 401 and 403 when it needs
 * a token; 404 when its path names something; 409 when a signed-in caller changes something (POST, PUT, PATCH,
 * DELETE); 413 and, for a signed-in caller, 422 when it takes a body. A code an operation declares itself with
 * {@code @APIResponse} (429 on sign-in, say) keeps its description and gets the problem body too; 413 has none, as
 * the HTTP layer refuses the body before any handler runs.
 */
public class ProblemResponses implements OASFilter {

    static final String SCHEMA = "Problem";
    private static final Set<PathItem.HttpMethod> CHANGES = Set.of(PathItem.HttpMethod.POST, PathItem.HttpMethod.PUT,
            PathItem.HttpMethod.PATCH, PathItem.HttpMethod.DELETE);
    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "400", "Bad Request: malformed JSON, an unknown field, or a field or parameter that breaks its rules",
            "401", "Unauthorized: no valid bearer token",
            "403", "Forbidden: the caller lacks the permission",
            "404", "Not Found: nothing at this path the caller may see",
            "409", "Conflict: the change clashes with the current state (a duplicate, a stale version, an illegal move)",
            "413", "Content Too Large: the body exceeds the size limit; refused before any handler, without a body",
            "422", "Unprocessable Content: well-formed, but refers to something missing or breaks a rule of the model");
    /** What Quarkus writes on the bodiless 400, 401 and 403 it adds by itself; this filter says more. */
    private static final Set<String> GENERIC_DESCRIPTIONS = Set.of("Bad Request", "Not Authorized", "Not Allowed");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema(SCHEMA, problemSchema());
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().values().forEach(item -> Optional.ofNullable(item.getOperations())
                .orElse(Map.of())
                .forEach((method, operation) -> document(openAPI, item, method, operation)));
    }

    private static void document(OpenAPI openAPI, PathItem item, PathItem.HttpMethod method, Operation operation) {
        boolean body = operation.getRequestBody() != null;
        boolean signedIn = isSecured(openAPI, operation);
        List<Parameter> parameters = parameters(item, operation);
        APIResponses responses = operation.getResponses() == null ? OASFactory.createAPIResponses()
                : operation.getResponses();
        operation.setResponses(responses);
        expect(responses, "400", body || !parameters.isEmpty());
        expect(responses, "401", signedIn);
        expect(responses, "403", signedIn);
        expect(responses, "404", parameters.stream().anyMatch(p -> p.getIn() == Parameter.In.PATH));
        expect(responses, "409", signedIn && CHANGES.contains(method));
        expect(responses, "413", body);
        expect(responses, "422", signedIn && body);
        responses.getAPIResponses().forEach((code, response) -> {
            if (code.startsWith("4") && !"413".equals(code) && response.getContent() == null) {
                response.setContent(problemContent());
            }
        });
    }

    private static void expect(APIResponses responses, String code, boolean applies) {
        if (!applies) {
            return;
        }
        APIResponse response = responses.getAPIResponse(code);
        if (response == null) {
            responses.addAPIResponse(code, OASFactory.createAPIResponse().description(DESCRIPTIONS.get(code)));
        } else if (response.getContent() == null && (response.getDescription() == null
                || GENERIC_DESCRIPTIONS.contains(response.getDescription()))) {
            response.setDescription(DESCRIPTIONS.get(code));
        }
    }

    private static boolean isSecured(OpenAPI openAPI, Operation operation) {
        List<SecurityRequirement> requirements = operation.getSecurity() != null ? operation.getSecurity()
                : openAPI.getSecurity();
        return requirements != null && requirements.stream().anyMatch(r -> r.getSchemes() != null
                && !r.getSchemes().isEmpty());
    }

    private static List<Parameter> parameters(PathItem item, Operation operation) {
        return Stream.of(item.getParameters(), operation.getParameters())
                .filter(Objects::nonNull).flatMap(List::stream).toList();
    }

    private static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref("#/components/schemas/" + SCHEMA)));
    }

    private static Schema problemSchema() {
        Schema fieldError = OASFactory.createSchema().addType(SchemaType.OBJECT)
                .addProperty("field", text("the JSON path or parameter that was refused, such as quotas.maxQueuedJobs"))
                .addProperty("message", text("what is wrong with it"));
        return OASFactory.createSchema().addType(SchemaType.OBJECT)
                .description("An RFC 7807 problem: what went wrong, for people and programs alike")
                .addProperty("type", text("what kind of problem this is, one of a closed set of URIs; which ones, and"
                        + " whether a retry helps, is in docs/architecture.md (Errors)")
                        .enumeration(Arrays.stream(ProblemType.values()).<Object>map(ProblemType::uri).toList()))
                .addProperty("title", text("the status code's reason phrase"))
                .addProperty("status", OASFactory.createSchema().addType(SchemaType.INTEGER).format("int32")
                        .description("the HTTP status code"))
                .addProperty("detail", text("what went wrong with this request, in words"))
                .addProperty("instance", text("the path of the request"))
                .addProperty("errors", OASFactory.createSchema().addType(SchemaType.ARRAY).items(fieldError)
                        .description("one entry per rejected field; only with some 400s"))
                .required(List.of("type", "title", "status"));
    }

    private static Schema text(String description) {
        return OASFactory.createSchema().addType(SchemaType.STRING).description(description);
    }
}
