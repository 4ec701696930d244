package io.tenantry.metadata.task;

import java.util.Map;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

public final class TaskRequests {

    static final String NAME = "^[a-z][a-z0-9-]{1,62}$";
    static final String URL = "^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/%-]*)?$";

    private TaskRequests() {
    }

    @Schema(name = "TaskDefinitionCreate", examples = """
            {
              "name": "md-simulation",
              "displayName": "Molecular dynamics",
              "description": "Relaxes a docked complex",
              "configSchema": {
                "type": "object",
                "required": [
                  "nanoseconds"
                ],
                "additionalProperties": false,
                "properties": {
                  "nanoseconds": {
                    "type": "number",
                    "exclusiveMinimum": 0
                  },
                  "forceField": {
                    "type": "string",
                    "enum": [
                      "amber14",
                      "charmm36"
                    ]
                  }
                }
              }
            }""")
    public record Define(@NotNull @Pattern(regexp = NAME, message = "must match " + NAME) String name,
                         @NotBlank @Size(max = 200) String displayName,
                         @Size(max = 2000) String description,
                         @NotNull Map<String, Object> configSchema) {
    }

    @Schema(name = "TaskServiceRegistration", examples = """
            {
              "name": "vina-eu-1",
              "task": "docking",
              "endpoint": "https://vina-eu-1.internal:8443/v1",
              "status": "up"
            }""")
    public record RegisterService(@NotNull @Pattern(regexp = NAME, message = "must match " + NAME) String name,
                                  @NotNull @Pattern(regexp = NAME, message = "must name a task definition") String task,
                                  @NotNull @Size(max = 500) @Pattern(regexp = URL, message = "must be an http(s) URL") String endpoint,
                                  TaskServiceStatus status) {
    }

    @Schema(name = "TaskServiceUpdate", examples = """
            {"status": "maintenance"}""")
    public record UpdateService(@Size(max = 500) @Pattern(regexp = URL, message = "must be an http(s) URL") String endpoint,
                                TaskServiceStatus status) {
    }
}
