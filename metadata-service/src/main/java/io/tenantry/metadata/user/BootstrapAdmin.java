package io.tenantry.metadata.user;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.tenantry.metadata.security.AuthConfig;

/**
 * Creates the first platform administrator from configuration when no user has that email yet. There is no
 * default password anywhere: an email without a password stops the start.
 */
@ApplicationScoped
public class BootstrapAdmin {

    private static final Logger LOG = Logger.getLogger(BootstrapAdmin.class);

    @Inject
    AuthConfig config;

    @Inject
    UserService users;

    @Transactional
    void onStart(@Observes StartupEvent event) {
        AuthConfig.BootstrapAdmin admin = config.bootstrapAdmin();
        if (admin.email().isEmpty()) {
            return;
        }
        String password = admin.password().orElseThrow(() -> new IllegalStateException(
                "tenantry.auth.bootstrap-admin.email is set but tenantry.auth.bootstrap-admin.password is not"));
        if (password.length() < UserRequests.MIN_PASSWORD) {
            throw new IllegalStateException("tenantry.auth.bootstrap-admin.password must have at least "
                    + UserRequests.MIN_PASSWORD + " characters");
        }
        if (User.byEmail(admin.email().get()).isPresent()) {
            return;
        }
        users.createUser(admin.email().get(), "Platform administrator", password, true);
        LOG.infof("created the first platform administrator %s", admin.email().get());
    }
}
