package io.tenantry.results.job;

import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.JsonNode;

/** What clients send to submit a job. */
public final class JobRequests {

    private JobRequests() {
    }

    /**
     * A job runs one pipeline template version, named either by its id or by {@code template} (a name) with an
     * optional {@code templateVersion} (the newest when absent). Priority runs from 0 (lowest) to 9; default 5.
     */
    public record Submit(UUID templateId,
                         @Pattern(regexp = "^[a-z][a-z0-9-]{1,62}$", message = "must be a template name") String template,
                         @Min(1) Integer templateVersion,
                         @NotNull @Valid Inputs inputs,
                         @Min(0) @Max(9) Integer priority) {
    }

    /** A receptor and either a named ligand set or up to 10,000 of the organization's molecules, with parameters. */
    public record Inputs(@NotBlank @Size(max = 500) String receptor,
                         @Size(min = 1, max = 200) String ligandSet,
                         @Size(min = 1, max = 10_000) List<@NotNull UUID> moleculeIds,
                         JsonNode parameters) {
    }
}
