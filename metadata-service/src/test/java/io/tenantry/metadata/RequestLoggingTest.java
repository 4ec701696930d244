package io.tenantry.metadata;

import static io.restassured.RestAssured.given;
import static io.tenantry.metadata.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tenantry.common.logging.RequestLogging;
import io.tenantry.testing.TenantryTestServers;

/**
 * Every line logged while a request is served carries its request id, its organization and its caller; with tracing
 * on, the trace a caller started goes on in this service. Read from the request log at DEBUG.
 */
@QuarkusTest
@WithTestResource(TenantryTestServers.class)
@TestProfile(RequestLoggingTest.RequestLogAndTracing.class)
class RequestLoggingTest {

    public static class RequestLogAndTracing implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.category.\"io.tenantry.request\".level", "DEBUG",
                    "quarkus.otel.sdk.disabled", "false",
                    "quarkus.otel.traces.exporter", "none");
        }
    }

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private final List<ExtLogRecord> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            ExtLogRecord line = ExtLogRecord.wrap(record);
            line.copyAll();
            lines.add(line);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        Logger.getLogger("io.tenantry.request").addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        Logger.getLogger("io.tenantry.request").removeHandler(capture);
    }

    @Test
    void aRequestsLinesCarryItsIdOrganizationCallerAndTrace() {
        String orgId = Api.createOrg();
        Api.Member admin = Api.member(orgId, "org-admin");
        as(admin.token()).header("X-Request-Id", "req-log-1")
                .header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
                .get("/api/v1/orgs/" + orgId).then().statusCode(200).header("X-Request-Id", "req-log-1");

        ExtLogRecord line = only("req-log-1");
        assertEquals(orgId, line.getMdc(RequestLogging.ORG_ID));
        assertEquals("user:" + Api.userId(admin.email()), line.getMdc(RequestLogging.ACTOR));
        assertEquals(TRACE_ID, line.getMdc("traceId"));
        assertTrue(line.getFormattedMessage().startsWith("GET /api/v1/orgs/" + orgId + " 200 "),
                line.getFormattedMessage());
    }

    @Test
    void aMalformedRequestIdIsReplacedAndAnAnonymousCallerNamesNobody() {
        String given = "not a well-formed id";
        String answered = given().header("X-Request-Id", given).get("/api/v1/me").then().statusCode(401)
                .extract().header("X-Request-Id");
        assertNotEquals(given, answered);
        ExtLogRecord line = only(answered);
        assertEquals(null, line.getMdc(RequestLogging.ACTOR));
        assertTrue(line.getFormattedMessage().contains(" 401 "), line.getFormattedMessage());
    }

    private ExtLogRecord only(String requestId) {
        List<ExtLogRecord> found = lines.stream()
                .filter(line -> requestId.equals(line.getMdc(RequestLogging.REQUEST_ID))).toList();
        assertEquals(1, found.size(), () -> "request log lines for " + requestId + " among " + lines.stream()
                .map(line -> line.getFormattedMessage() + " " + line.getMdcCopy()).toList());
        return found.get(0);
    }
}
