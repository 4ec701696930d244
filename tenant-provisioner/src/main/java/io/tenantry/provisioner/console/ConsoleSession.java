package io.tenantry.provisioner.console;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.tenantry.common.problem.ApiProblem;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;

/**
 * Who is using the console in this request: the platform administrator whose token the session cookie holds,
 * verified as the API verifies bearer tokens (signature, issuer, lifetime, revocation), and the CSRF token that the
 * session's forms carry.
 */
@RequestScoped
public class ConsoleSession {

    /** The permission the operator API requires too. */
    static final String PLATFORM_ADMIN = "platform-admin";

    @Inject
    SecurityIdentity identity;

    @Inject
    HttpServerRequest request;

    @Inject
    CsrfTokens csrf;

    /** A signed-in platform administrator: who they are, their token for metadata-service, their forms' token. */
    public record Operator(String subject, String name, String token, String csrf) {
    }

    /** The signed-in operator, or {@link SignInRequired}. */
    public Operator operator() {
        Cookie session = request.getCookie(ConsoleCookies.SESSION);
        if (session == null || session.getValue().isEmpty()) {
            throw new SignInRequired("");
        }
        try {
            if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
                throw new SignInRequired("expired");
            }
            if (!identity.hasRole(PLATFORM_ADMIN)) {
                throw new SignInRequired("not-admin");
            }
            return new Operator(token.getSubject(), token.getName(), session.getValue(),
                    csrf.tokenFor(session.getValue()));
        } catch (AuthenticationFailedException e) {
            throw new SignInRequired("expired");
        }
    }

    /** The signed-in operator of a state-changing request, whose form must carry the session's CSRF token (403). */
    public Operator authorize(String csrfToken) {
        Operator operator = operator();
        if (!csrf.matches(operator.token(), csrfToken)) {
            throw ApiProblem.forbidden("the form carried no valid CSRF token; reload the page and try again");
        }
        return operator;
    }

    /** The sign-in form's value bound to the browser by its sign-in cookie, or null when there is none. */
    public String signInCookie() {
        Cookie cookie = request.getCookie(ConsoleCookies.SIGN_IN);
        return cookie == null || cookie.getValue().isEmpty() ? null : cookie.getValue();
    }

    /** Refuses a sign-in form whose CSRF token is not that of the browser's sign-in cookie (403). */
    public void checkSignInForm(String csrfToken) {
        if (!csrf.matches(signInCookie(), csrfToken)) {
            throw ApiProblem.forbidden("the form carried no valid CSRF token; reload the page and try again");
        }
    }
}
