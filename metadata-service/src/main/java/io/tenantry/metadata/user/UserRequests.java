package io.tenantry.metadata.user;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

public final class UserRequests {

    public static final int MIN_PASSWORD = 12;

    private UserRequests() {
    }

    @Schema(name = "UserCreate", examples = """
            {
              "email": "grace@acme.example",
              "displayName": "Grace Hopper",
              "password": "correct-horse-battery",
              "platformAdmin": false
            }""")
    public record Create(@NotBlank @Email @Size(max = 254) String email,
                         @NotBlank @Size(max = 200) String displayName,
                         @NotNull @Size(min = MIN_PASSWORD, max = 128) String password,
                         Boolean platformAdmin) {
    }

    @Schema(name = "UserUpdate", examples = """
            {"displayName": "Grace B. Hopper", "status": "disabled"}""")
    public record Update(@Size(min = 1, max = 200) String displayName, UserStatus status, Boolean platformAdmin) {
    }
}
