package io.tenantry.provisioner.console;

import java.net.URI;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;

/** How the console answers a request without a session (to the sign-in page) and an action another service refused. */
public class ConsoleExceptions {

    @Inject
    ConsoleCookies cookies;

    @Inject
    @Location("console/refused.html")
    Template refusedPage;

    @ServerExceptionMapper
    public Response signInRequired(SignInRequired e) {
        String reason = e.getMessage().isEmpty() ? "" : "?reason=" + e.getMessage();
        return Response.seeOther(URI.create("/console/sign-in" + reason))
                .cookie(cookies.cleared(ConsoleCookies.SESSION)).build();
    }

    @ServerExceptionMapper
    public Response refused(ActionRefused e) {
        return Response.status(e.status()).type(MediaType.TEXT_HTML_TYPE)
                .entity(refusedPage.data("message", e.getMessage()).render()).build();
    }
}
