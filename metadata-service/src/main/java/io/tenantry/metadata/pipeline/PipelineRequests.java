package io.tenantry.metadata.pipeline;

import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

public final class PipelineRequests {

    static final String NAME = "^[a-z][a-z0-9-]{1,62}$";

    private PipelineRequests() {
    }

    /** A new template, or the next version of an existing one with the same name. */
    @Schema(name = "PipelineTemplateCreate", examples = """
            {
              "name": "quick-rescore",
              "description": "Rescore docked poses with a CNN",
              "steps": [
                {
                  "name": "rescore",
                  "task": "rescoring",
                  "config": {
                    "method": "gnina-cnn",
                    "topN": 50
                  }
                }
              ]
            }""")
    public record Create(@NotNull @Pattern(regexp = NAME, message = "must match " + NAME) String name,
                        @Size(max = 2000) String description,
                        @NotNull @Size(min = 1, max = 50) List<@NotNull @Valid Step> steps) {
    }

    @Schema(name = "PipelineStep")
    public record Step(@NotNull @Pattern(regexp = NAME, message = "must match " + NAME) String name,
                       @NotNull @Pattern(regexp = NAME, message = "must name a task definition") String task,
                       Map<String, Object> config) {
    }
}
