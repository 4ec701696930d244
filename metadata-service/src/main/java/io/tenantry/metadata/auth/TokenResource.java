package io.tenantry.metadata.auth;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestForm;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.tenantry.common.problem.ApiProblem;
import io.vertx.core.http.HttpServerRequest;

/** Sign-in for people and API clients; Swagger UI's "Authorize" gets its token here (META-INF/openapi.yaml). */
@Path("/api/v1/auth/token")
public class TokenResource {

    @Inject
    TokenService tokens;

    @Inject
    HttpServerRequest request;

    public record TokenResponse(@JsonProperty("access_token") String accessToken,
                                @JsonProperty("token_type") String tokenType,
                                @JsonProperty("expires_in") long expiresIn,
                                @JsonProperty("org_id") String orgId,
                                @JsonProperty("permissions") List<String> permissions) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue an access token",
            description = "OAuth 2 style: grant_type=password (username, password, optional org_id) "
                    + "or grant_type=client_credentials (client_id, client_secret).")
    @APIResponse(responseCode = "200", description = "The token, and the organization and permissions it carries")
    @APIResponse(responseCode = "401", description = "Wrong credentials, or a disabled account or revoked client")
    @APIResponse(responseCode = "403", description = "The person is not a member of the organization in org_id")
    @APIResponse(responseCode = "429", description = "Too many failed sign-ins for this account or address; "
            + "the Retry-After header says when to try again")
    public TokenResponse issue(@RestForm("grant_type") @NotBlank String grantType,
                               @RestForm @Size(max = 254) String username,
                               @RestForm @Size(max = 128) String password,
                               @RestForm("client_id") @Size(max = 64) String clientId,
                               @RestForm("client_secret") @Size(max = 128) String clientSecret,
                               @RestForm("org_id") @Size(max = 40) String orgId) {
        String address = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        TokenService.IssuedToken token = switch (grantType) {
            case "password" -> tokens.forPerson(required(username, "username"), required(password, "password"),
                    orgId, address);
            case "client_credentials" -> tokens.forClient(required(clientId, "client_id"),
                    required(clientSecret, "client_secret"), address);
            default -> throw ApiProblem.badRequest("grant_type must be 'password' or 'client_credentials'");
        };
        return new TokenResponse(token.accessToken(), "Bearer", token.expiresIn(), token.orgId(), token.permissions());
    }

    private static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw ApiProblem.badRequest("'" + name + "' is required for this grant");
        }
        return value;
    }
}
