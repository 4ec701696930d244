package io.tenantry.metadata.account;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.security.Authenticated;
import io.tenantry.metadata.user.UserRequests;

/** The signed-in person's own profile, memberships and password. */
@Path("/api/v1/me")
@Authenticated
public class MeResource {

    @Inject
    AccountService account;

    @Schema(name = "PasswordChange", examples = """
            {"currentPassword": "correct-horse-battery", "newPassword": "staple-battery-horse-correct"}""")
    public record ChangePassword(@NotNull @Size(max = 128) String currentPassword,
                                 @NotNull @Size(min = UserRequests.MIN_PASSWORD, max = 128) String newPassword) {
    }

    @GET
    public AccountService.Profile me() {
        return account.me();
    }

    @PUT
    @Path("password")
    public void changePassword(@NotNull @Valid ChangePassword request) {
        account.changePassword(request.currentPassword(), request.newPassword());
    }
}
