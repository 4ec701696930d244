package io.tenantry.common.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;

import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Level;
import org.jboss.logmanager.handlers.AsyncHandler;
import org.jboss.logmanager.handlers.ConsoleHandler;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class JsonConsoleLogsTest {

    @Test
    void eachRecordIsOneJsonLineWithTheMdcTheServiceAndTheException() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConsoleHandler console = new ConsoleHandler(JsonConsoleLogs.formatter("metadata-service"));
        console.setOutputStream(out);
        ExtLogRecord record = new ExtLogRecord(Level.WARN, "could not wake the provisioner for %s",
                ExtLogRecord.FormatStyle.PRINTF, getClass().getName());
        record.setParameters(new Object[] {"acme"});
        record.setLoggerName("io.tenantry.metadata.organization.ProvisionerWakeUp");
        record.setMdc(Map.of(RequestLogging.REQUEST_ID, "req-7", RequestLogging.ORG_ID, "acme", RequestLogging.ACTOR,
                "user:42"));
        record.setThrown(new IllegalStateException("Redis is away"));
        console.publish(record);
        console.flush();

        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(1, lines.length, out.toString(StandardCharsets.UTF_8));
        JsonNode line = new ObjectMapper().readTree(lines[0]);
        assertEquals("could not wake the provisioner for acme", line.get("message").asText());
        assertEquals("WARN", line.get("level").asText());
        assertEquals("metadata-service", line.get("service").asText());
        assertEquals("req-7", line.get("mdc").get(RequestLogging.REQUEST_ID).asText());
        assertEquals("acme", line.get("mdc").get(RequestLogging.ORG_ID).asText());
        assertEquals("user:42", line.get("mdc").get(RequestLogging.ACTOR).asText());
        assertTrue(line.get("stackTrace").asText().contains("IllegalStateException: Redis is away"), lines[0]);
    }

    @Test
    void consoleHandlersAreFoundInsideTheHandlersThatWrapThem() {
        ConsoleHandler console = new ConsoleHandler();
        AsyncHandler async = new AsyncHandler();
        async.addHandler(console);
        assertEquals(List.of(console), JsonConsoleLogs.consoleHandlers(new Handler[] {async}));
    }
}
