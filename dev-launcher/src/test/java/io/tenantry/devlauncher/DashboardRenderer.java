package io.tenantry.devlauncher;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Serves the page that draws a Grafana dashboard of deploy/monitoring/dashboards from Prometheus (our
 * dashboard-renderer page and uPlot from its webjar), the dashboards' JSON, and Prometheus's HTTP API under the same
 * origin, so the page needs no CORS. Open {@code /?dashboard=<file name without .json>&from=&to=&scrape=}.
 */
final class DashboardRenderer implements AutoCloseable {

    private static final Pattern FILE = Pattern.compile("[a-zA-Z0-9._-]+");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
            "json", "application/json");

    private final HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    DashboardRenderer(Path dashboards, String prometheus) throws IOException {
        String uplot = "META-INF/resources/webjars/uplot/" + webjarVersion("uplot") + "/dist/";
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            if (exchange.getRequestURI().getPath().equals("/")) {
                resource(exchange, "dashboard-renderer/index.html");
            } else {
                answer(exchange, 404, "text/plain", new byte[0]);
            }
        });
        server.createContext("/renderer/", exchange -> resource(exchange, "dashboard-renderer/" + file(exchange)));
        server.createContext("/uplot/", exchange -> resource(exchange, uplot + file(exchange)));
        server.createContext("/dashboards/", exchange -> {
            Path file = dashboards.resolve(file(exchange));
            if (Files.isRegularFile(file)) {
                answer(exchange, 200, TYPES.get("json"), Files.readAllBytes(file));
            } else {
                answer(exchange, 404, "text/plain", new byte[0]);
            }
        });
        server.createContext("/api/v1/", exchange -> {
            try {
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
                        URI.create(prometheus + exchange.getRequestURI().getRawPath()
                                + (exchange.getRequestURI().getRawQuery() == null ? ""
                                : "?" + exchange.getRequestURI().getRawQuery()))).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                answer(exchange, response.statusCode(), TYPES.get("json"), response.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer(exchange, 503, "text/plain", new byte[0]);
            }
        });
        server.start();
    }

    /**
     * The page drawing {@code dashboard} (its file name without .json) over the given time range; {@code variables}
     * choose values of the dashboard's variables, as Grafana's {@code var-<name>=} in a dashboard's address does.
     */
    String page(String dashboard, long fromSeconds, long toSeconds, int scrapeIntervalSeconds,
                Map<String, String> variables) {
        StringBuilder page = new StringBuilder("http://127.0.0.1:" + server.getAddress().getPort() + "/?dashboard="
                + dashboard + "&from=" + fromSeconds + "&to=" + toSeconds + "&scrape=" + scrapeIntervalSeconds);
        variables.forEach((name, value) -> page.append("&var-").append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return page.toString();
    }

    private static String file(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        return FILE.matcher(name).matches() && !name.startsWith(".") ? name : "-";
    }

    private static void resource(HttpExchange exchange, String name) throws IOException {
        try (InputStream in = DashboardRenderer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                answer(exchange, 404, "text/plain", new byte[0]);
            } else {
                String extension = name.substring(name.lastIndexOf('.') + 1);
                answer(exchange, 200, TYPES.getOrDefault(extension, "application/octet-stream"), in.readAllBytes());
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    private static String webjarVersion(String name) throws IOException {
        String properties = "META-INF/maven/org.webjars.npm/" + name + "/pom.properties";
        try (InputStream in = DashboardRenderer.class.getClassLoader().getResourceAsStream(properties)) {
            if (in == null) {
                throw new IllegalStateException(properties + " is not on the test classpath");
            }
            Properties pom = new Properties();
            pom.load(in);
            return pom.getProperty("version");
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
