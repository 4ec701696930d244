package io.tenantry.results.idempotency;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.results.config.ResultsConfig;
import io.tenantry.results.store.IdempotencyStore;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Writes a client may retry with an {@code Idempotency-Key}: the first request with a key writes and its answer
 * is stored with the write, in the same transaction of the tenant's database; a retry of that request gets that
 * answer again and writes nothing; the key with another request is refused (422). Keys belong to one caller (the
 * token subject) in one organization. A request that failed stored nothing, so its retry runs again.
 */
@ApplicationScoped
public class IdempotentWrites {

    public static final String HEADER = "Idempotency-Key";
    public static final String DESCRIPTION = "Makes the request safe to retry: 1 to 255 printable ASCII characters,"
            + " unique per request. A retry with the same key and body gets the first answer again and writes nothing;"
            + " the same key with another body gets 422. Keys are kept for a day.";
    /** More than one write adds, so expired keys never pile up in a tenant that keeps writing with keys. */
    private static final int PRUNED_PER_WRITE = 10;
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]([\\x20-\\x7E]{0,253}[\\x21-\\x7E])?");

    @Inject
    ObjectMapper json;

    @Inject
    ResultsConfig config;

    /** A request's key, whose it is, and what the request was; absent when the client sent no key. */
    public record Keyed(String caller, String key, String fingerprint) {
    }

    /** The answer a write gives, as stored for retries: status, {@code Location} (or null) and JSON body. */
    public record Answer(int status, String location, String body) {

        public Response toResponse() {
            Response.ResponseBuilder response = Response.status(status).type(MediaType.APPLICATION_JSON).entity(body);
            return location == null ? response.build() : response.location(URI.create(location)).build();
        }
    }

    /** The answer, and what the write made when this request did write (null when it replayed an earlier answer). */
    public record Outcome<T>(Answer answer, T written) {
    }

    /**
     * Reads the header: absent or a key of 1 to 255 printable ASCII characters (not starting or ending with a
     * space); 400 otherwise.
     */
    public Optional<Keyed> keyed(String header, String caller, String method, String path, Object body) {
        if (header == null) {
            return Optional.empty();
        }
        if (!KEY.matcher(header).matches()) {
            throw ApiProblem.badRequest("the Idempotency-Key header must be 1 to 255 printable ASCII characters");
        }
        return Optional.of(new Keyed(caller, header, sha256(method + " " + path + "\n" + write(body))));
    }

    /**
     * Runs {@code write} on {@code c}, inside the caller's transaction, unless the key already has an answer; with no
     * key, simply runs it.
     */
    public <T> Uni<Outcome<T>> once(SqlConnection c, Optional<Keyed> keyed, int status, Function<T, String> location,
                                   Supplier<Uni<T>> write) {
        if (keyed.isEmpty()) {
            return write.get().map(written -> new Outcome<>(answer(status, location, written), written));
        }
        Keyed k = keyed.get();
        return IdempotencyStore.forgetOlderThan(c, config.idempotency().keyRetention(), PRUNED_PER_WRITE)
                .chain(() -> IdempotencyStore.claim(c, k.caller(), k.key(), k.fingerprint()))
                .chain(claimed -> claimed
                        ? write.get().chain(written -> {
                            Answer answer = answer(status, location, written);
                            return IdempotencyStore.record(c, k.caller(), k.key(), answer.status(), answer.location(),
                                    answer.body()).replaceWith(new Outcome<>(answer, written));
                        })
                        : IdempotencyStore.find(c, k.caller(), k.key()).map(found -> replay(k, found)));
    }

    private static <T> Outcome<T> replay(Keyed k, Optional<IdempotencyStore.Recorded> found) {
        IdempotencyStore.Recorded recorded = found.orElseThrow(() -> ApiProblem.conflict(
                "a request with this Idempotency-Key is still being processed; retry shortly"));
        if (!recorded.fingerprint().equals(k.fingerprint())) {
            throw ApiProblem.unprocessable("this Idempotency-Key was used for a different request; use a new key");
        }
        return new Outcome<>(new Answer(recorded.status(), recorded.location(), recorded.body()), null);
    }

    private <T> Answer answer(int status, Function<T, String> location, T written) {
        return new Answer(status, location.apply(written), write(written));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
