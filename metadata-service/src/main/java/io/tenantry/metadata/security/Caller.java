package io.tenantry.metadata.security;

import java.util.UUID;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.tenantry.common.problem.ApiProblem;

/**
 * Who is calling, as the verified token says: a person ({@code user:<id>}) or an API client ({@code client:<id>}).
 * Whether they may still act is decided against the database by the access guard, not by the token alone.
 */
@RequestScoped
public class Caller {

    public static final String USER_PREFIX = "user:";
    public static final String CLIENT_PREFIX = "client:";

    @Inject
    JsonWebToken token;

    public String subject() {
        String subject = token == null ? null : token.getSubject();
        if (subject == null) {
            throw ApiProblem.unauthorized("a valid bearer token is required");
        }
        return subject;
    }

    public boolean isUser() {
        return subject().startsWith(USER_PREFIX);
    }

    public UUID userId() {
        return idAfter(USER_PREFIX);
    }

    public UUID clientId() {
        return idAfter(CLIENT_PREFIX);
    }

    /** The subject for the audit log; "system" when no one is signed in (start-up seeding). */
    public String actorOrSystem() {
        return token == null || token.getSubject() == null ? "system" : token.getSubject();
    }

    private UUID idAfter(String prefix) {
        String subject = subject();
        if (!subject.startsWith(prefix)) {
            throw ApiProblem.forbidden("this operation is not available to " + subject.split(":")[0] + " callers");
        }
        try {
            return UUID.fromString(subject.substring(prefix.length()));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.unauthorized("the token's subject is not one this service issued");
        }
    }
}
