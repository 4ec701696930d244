package io.tenantry.metadata.user;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.tenantry.common.Uuids;
import io.tenantry.common.paging.Cursor;
import io.tenantry.common.paging.Page;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.metadata.audit.AuditLog;
import io.tenantry.metadata.persistence.KeysetQuery;
import io.tenantry.metadata.security.AccessGuard;
import io.tenantry.metadata.security.Caller;
import io.tenantry.metadata.security.PasswordHasher;
import io.tenantry.metadata.security.TokenRevocation;

/** People: created and managed by platform administrators; everyone may read and rename themselves. */
@ApplicationScoped
public class UserService {

    @Inject
    AccessGuard guard;

    @Inject
    Caller caller;

    @Inject
    PasswordHasher hasher;

    @Inject
    AuditLog audit;

    @Inject
    TokenRevocation revocation;

    public record UserView(UUID id, String email, String displayName, UserStatus status, boolean platformAdmin,
                           OffsetDateTime createdAt) {
        public static UserView of(User u) {
            return new UserView(u.id, u.email, u.displayName, u.status, u.platformAdmin, u.createdAt);
        }
    }

    @Transactional
    public UserView create(UserRequests.Create request) {
        guard.requirePlatformAdmin();
        return UserView.of(createUser(request.email(), request.displayName(), request.password(),
                Boolean.TRUE.equals(request.platformAdmin())));
    }

    /** Creates a user without checking the caller: for start-up seeding and for {@link #create}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public User createUser(String email, String displayName, String password, boolean platformAdmin) {
        String normalized = User.normalizeEmail(email);
        if (User.byEmail(normalized).isPresent()) {
            throw ApiProblem.conflict("a user with the email '" + normalized + "' already exists");
        }
        OffsetDateTime now = OffsetDateTime.now();
        User user = new User();
        user.id = Uuids.v7();
        user.email = normalized;
        user.displayName = displayName.trim();
        user.passwordHash = hasher.hashPassword(password);
        user.status = UserStatus.ACTIVE;
        user.platformAdmin = platformAdmin;
        user.createdAt = now;
        user.updatedAt = now;
        user.persist();
        audit.record("user.created", null, "user", user.id.toString(),
                Map.of("email", normalized, "platformAdmin", platformAdmin));
        return user;
    }

    public Page<UserView> list(String emailPrefix, UserStatus status, String after, int limit) {
        guard.requirePlatformAdmin();
        KeysetQuery query = KeysetQuery.where("1 = 1")
                .and("id > :after", "after", Cursor.decodeUuid(after))
                .and("email like :prefix escape '\\'", "prefix", KeysetQuery.startingWith(User.normalizeEmail(emailPrefix)))
                .and("status = :status", "status", status);
        List<User> rows = User.<User>find(query.orderBy("id"), query.params()).page(0, limit + 1).list();
        return Page.of(rows, limit, u -> u.id.toString(), UserView::of);
    }

    public UserView get(UUID id) {
        if (!(caller.isUser() && caller.userId().equals(id))) {
            guard.requirePlatformAdmin();
        }
        return UserView.of(find(id));
    }

    @Transactional
    public UserView update(UUID id, UserRequests.Update request) {
        boolean self = caller.isUser() && caller.userId().equals(id);
        boolean admin = guard.isPlatformAdmin();
        if (!admin && !(self && request.status() == null && request.platformAdmin() == null)) {
            throw ApiProblem.forbidden("only platform administrators change a user's status or role; "
                    + "users may change their own display name");
        }
        if (self && (request.status() == UserStatus.DISABLED || Boolean.FALSE.equals(request.platformAdmin()))) {
            throw ApiProblem.conflict("administrators cannot disable or demote themselves");
        }
        User user = find(id);
        Map<String, Object> changes = new HashMap<>();
        if (request.displayName() != null) {
            user.displayName = request.displayName().trim();
            changes.put("displayName", user.displayName);
        }
        if (request.status() != null) {
            user.status = request.status();
            changes.put("status", user.status.wire());
        }
        if (request.platformAdmin() != null) {
            user.platformAdmin = request.platformAdmin();
            changes.put("platformAdmin", user.platformAdmin);
        }
        if (request.status() == UserStatus.DISABLED || Boolean.FALSE.equals(request.platformAdmin())) {
            revocation.revokeUser(id);
        }
        user.updatedAt = OffsetDateTime.now();
        audit.record("user.updated", null, "user", id.toString(), changes);
        return UserView.of(user);
    }

    /** The user with that id, or 404. */
    public static User find(UUID id) {
        User user = User.findById(id);
        if (user == null) {
            throw ApiProblem.notFound("user " + id + " not found");
        }
        return user;
    }
}
