package io.tenantry.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.tenantry.common.problem.ApiProblem;
import io.tenantry.common.problem.ProblemType;

class ProblemTypeTest {

    @Test
    void everyKindIsDocumentedWithItsStatusAndWhetherARetryHelps() throws Exception {
        String errors = Files.readString(Path.of("..", "docs", "architecture.md")).split("## Errors", 2)[1];
        List<String> undocumented = Arrays.stream(ProblemType.values())
                .filter(type -> !errors.contains("| `" + type.uri() + "` |")).map(ProblemType::uri).toList();
        assertEquals(List.of(), undocumented);
    }

    @Test
    void aProblemThatCanBeRetriedSaysWhen() {
        for (ApiProblem problem : List.of(ApiProblem.tenantNotReady("d", 5), ApiProblem.tooManyRequests("d", 0),
                ApiProblem.databaseUnavailable("d", 5), ApiProblem.queueUnavailable("d", 5))) {
            assertTrue(problem.type().retryable(), problem.type().uri());
            assertTrue(Integer.parseInt(problem.headers().get("Retry-After")) >= 1, problem.type().uri());
        }
    }

    @Test
    void aBareStatusGetsTheKindItMeans() {
        assertEquals(ProblemType.SERVICE_UNAVAILABLE, new ApiProblem(503, "Service Unavailable", "d").type());
        assertEquals(ProblemType.SERVER_ERROR, new ApiProblem(500, "Internal Server Error", "d").type());
        assertEquals(ProblemType.CONFLICT, ApiProblem.conflict("d").type());
        assertEquals(ProblemType.UNSUPPORTED_REQUEST, ProblemType.forStatus(415));
        assertEquals("https://tenantry.dev/problems/tenant-not-ready", ApiProblem.tenantNotReady("d", 5).type().uri());
    }
}
