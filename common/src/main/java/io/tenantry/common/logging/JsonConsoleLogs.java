package io.tenantry.common.logging;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.formatters.JsonFormatter;
import org.jboss.logmanager.formatters.StructuredFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

import io.quarkus.runtime.StartupEvent;

/**
 * One JSON object per console log line when {@code tenantry.log.json} is on (the prod profile), for log collectors:
 * timestamp, level, logger, message, the MDC ({@link RequestLogging}'s request id, organization and actor; trace
 * and span ids when tracing is on), the exception, and the service's name. The Quarkus extension that does this does
 * not resolve from this project's Maven repository at the platform's version, so the log manager's own formatter is
 * put on the console handler as the service starts; lines written before that are plain text.
 */
@ApplicationScoped
public class JsonConsoleLogs {

    @ConfigProperty(name = "tenantry.log.json", defaultValue = "false")
    boolean json;

    @ConfigProperty(name = "quarkus.application.name")
    String service;

    void install(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent started) {
        if (json) {
            consoleHandlers(LogContext.getLogContext().getLogger("").getHandlers())
                    .forEach(handler -> handler.setFormatter(formatter(service)));
        }
    }

    public static JsonFormatter formatter(String service) {
        JsonFormatter formatter = new JsonFormatter();
        formatter.setMetaData("service=" + service);
        formatter.setExceptionOutputType(StructuredFormatter.ExceptionOutputType.FORMATTED);
        formatter.setRecordDelimiter("\n");
        return formatter;
    }

    static List<Handler> consoleHandlers(Handler[] handlers) {
        List<Handler> found = new ArrayList<>();
        for (Handler handler : handlers) {
            if (handler instanceof ConsoleHandler) {
                found.add(handler);
            } else if (handler instanceof ExtHandler parent) {
                found.addAll(consoleHandlers(parent.getHandlers()));
            }
        }
        return found;
    }
}
