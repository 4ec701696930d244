package io.tenantry.provisioner.console;

import java.net.URI;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;

/**
 * Sign-in with the platform's own accounts: metadata-service checks the email and password and issues the token the
 * session cookie then carries; sign-out drops it.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class ConsoleSignInResource {

    @Inject
    @Location("console/sign-in.html")
    Template signInPage;

    @Inject
    ConsoleSession session;

    @Inject
    ConsoleCookies cookies;

    @Inject
    CsrfTokens csrf;

    @Inject
    MetadataClient metadata;

    @GET
    @Path("sign-in")
    public Response form(@QueryParam("reason") String reason) {
        String bound = session.signInCookie() != null ? session.signInCookie() : ConsoleCookies.randomValue();
        String message = switch (reason == null ? "" : reason) {
            case "expired" -> "Your session ended; sign in again.";
            case "not-admin" -> "The console is for platform administrators only.";
            case "signed-out" -> "You signed out.";
            default -> null;
        };
        return page(Response.Status.OK, bound, null, message);
    }

    @POST
    @Path("sign-in")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signIn(@FormParam("email") String email, @FormParam("password") String password,
                           @FormParam("csrf") String csrfToken) {
        session.checkSignInForm(csrfToken);
        if (email == null || email.isBlank() || email.length() > 254 || password == null || password.isEmpty()
                || password.length() > 128) {
            return page(Response.Status.BAD_REQUEST, session.signInCookie(), email, "Enter your email and password.");
        }
        try {
            MetadataClient.SignedIn signedIn = metadata.signIn(email.trim(), password);
            return Response.seeOther(URI.create("/console"))
                    .cookie(cookies.session(signedIn.token(), signedIn.expiresIn()),
                            cookies.cleared(ConsoleCookies.SIGN_IN))
                    .build();
        } catch (ActionRefused refused) {
            String message = refused.status() == 401 ? "Wrong email or password." : refused.getMessage();
            return page(Response.Status.fromStatusCode(refused.status()), session.signInCookie(), email, message);
        }
    }

    @POST
    @Path("sign-out")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signOut(@FormParam("csrf") String csrfToken) {
        session.authorize(csrfToken);
        return Response.seeOther(URI.create("/console/sign-in?reason=signed-out"))
                .cookie(cookies.cleared(ConsoleCookies.SESSION)).build();
    }

    private Response page(Response.Status status, String bound, String email, String message) {
        String html = signInPage.data("csrf", csrf.tokenFor(bound)).data("email", email).data("message", message)
                .render();
        return Response.status(status).entity(html).type(MediaType.TEXT_HTML_TYPE).cookie(cookies.signIn(bound))
                .build();
    }
}
