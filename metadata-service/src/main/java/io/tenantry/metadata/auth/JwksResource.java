package io.tenantry.metadata.auth;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import io.tenantry.metadata.security.SigningKeys;

/** The public keys tokens are verified with, for the other services (mp.jwt.verify.publickey.location). */
@Path("/api/v1/auth/jwks")
public class JwksResource {

    /** How long a verifier may keep the set before asking again: how soon a retired key stops being accepted. */
    static final String CACHE_CONTROL = "max-age=60";

    @Inject
    SigningKeys keys;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The token signing keys (JWKS)",
            description = "The current key, which signs new tokens, and during a rotation the next or the previous "
                    + "one, each with its kid (RFC 7638 thumbprint). No token is needed.")
    @APIResponse(responseCode = "200", description = "A JSON Web Key Set (RFC 7517) of RSA public keys")
    public Response jwks() {
        return Response.ok(keys.jwks()).header("Cache-Control", CACHE_CONTROL).build();
    }
}
