package io.tenantry.metadata.organization;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.tenantry.common.OrgId;
import io.tenantry.common.lifecycle.OrganizationStatus;

/** The bodies the organization endpoints accept. */
public final class OrganizationRequests {

    private OrganizationRequests() {
    }

    @Schema(name = "OrganizationCreate", examples = """
            {
              "orgId": "acme_labs",
              "displayName": "Acme Labs",
              "region": "eu-west",
              "quotas": {
                "maxQueuedJobs": 1000,
                "maxJobsPerDay": 10000
              },
              "adminEmail": "ada@acme.example"
            }""")
    public record Create(
            @NotNull @Pattern(regexp = OrgId.PATTERN, message = "must match " + OrgId.PATTERN) String orgId,
            @NotBlank @Size(max = 200) String displayName,
            @NotNull @Pattern(regexp = "^[a-z][a-z0-9-]{0,39}$", message = "must be a region name such as eu-west")
            String region,
            @Valid Quotas quotas,
            @Email @Size(max = 254) String adminEmail) {
    }

    /** Changes to names and quotas; {@code version} must be the one the client last read. */
    @Schema(name = "OrganizationUpdate", examples = """
            {
              "displayName": "Acme Research",
              "quotas": {
                "maxQueuedJobs": 2000,
                "maxJobsPerDay": 20000
              },
              "version": 3
            }""")
    public record Update(@Size(min = 1, max = 200) String displayName, @Valid Quotas quotas,
                         @NotNull Long version) {
    }

    /** The provisioner's report of what it observed. */
    @Schema(name = "OrganizationStatusReport", examples = """
            {"status": "failed", "reason": "database server pg-eu-1 refused the connection"}""")
    public record StatusReport(@NotNull OrganizationStatus status, @Size(max = 2000) String reason) {
    }
}
