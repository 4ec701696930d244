package io.tenantry.results.ratelimit;

import java.util.function.Function;

import io.smallrye.mutiny.Uni;

/**
 * This replica's share of one organization's limits, taken from Redis ahead of need so that most requests are
 * decided here without asking it: tokens taken from the organization's shared bucket, a twentieth of a second of
 * its rate at a time, and places among its concurrent requests, held in Redis for {@link #LEASE_MS} unless a sync
 * renews them. Tokens are never granted twice, so every replica together never exceeds the bucket; a replica
 * spends at most one batch of tokens later than it took them. Places held here are the most requests in progress
 * since the last sync, so a place given back here is free to other replicas from the next sync on.
 */
final class Allowance {

    /** How long places held in Redis count against the organization unless a sync renews them. */
    static final long LEASE_MS = 5_000;
    /** Places still held are renewed this long after the last sync, well inside their lease. */
    static final long RENEW_AFTER_MS = 2_000;
    /**
     * Tokens held while the organization sends no request here for this long go back to the bucket, so a replica it
     * stopped using does not keep them from the others.
     */
    private static final long HOLD_TOKENS_MS = 1_000;
    /** An allowance holding nothing, unused this long, is forgotten. */
    private static final long FORGET_AFTER_MS = 60_000;

    final String orgId;
    private Limits limits;
    private int tokens;
    private int places;
    private int inFlight;
    private int peak;
    private int waiting;
    private long syncedAt;
    private long lastUsed;
    private long bucketLeft;
    private long retryMs;
    private long resetMs;
    private boolean bucketEmpty;
    private boolean placesTaken;
    private Uni<Void> sync;
    private boolean retired;

    /** What one sync asks of Redis. */
    record Ask(Limits limits, int tokens, int returned, int places) {
    }

    Allowance(String orgId) {
        this.orgId = orgId;
    }

    /** Lets a request in from what this replica holds; null when it holds too little (or was forgotten). */
    synchronized Decision take(Limits limits, long now) {
        if (retired) {
            return null;
        }
        this.limits = limits;
        lastUsed = now;
        if (tokens < 1 || inFlight >= places) {
            return null;
        }
        tokens--;
        inFlight++;
        peak = Math.max(peak, inFlight);
        return new Decision(true, limits, bucketLeft + tokens, LocalLimiter.ceilSeconds(resetMs), 0, orgId, this);
    }

    /**
     * Whether what this replica lacks now is what the last sync found none of: the bucket empty, or the other
     * replicas' places leaving no more room. Anything else was taken here by requests that came meanwhile, and
     * another sync may find it.
     */
    synchronized boolean overLimits() {
        return tokens < 1 && bucketEmpty || inFlight >= places && placesTaken;
    }

    /** The answer to a request the organization's limits have no room for. */
    synchronized Decision refusal(Limits limits) {
        long retryAfterMs = tokens < 1 ? Math.max(1, retryMs) : 1000;
        return new Decision(false, limits, bucketLeft + tokens, LocalLimiter.ceilSeconds(resetMs),
                LocalLimiter.ceilSeconds(retryAfterMs), orgId, this);
    }

    synchronized void release() {
        inFlight = Math.max(0, inFlight - 1);
    }

    synchronized boolean retired() {
        return retired;
    }

    /**
     * Joins the sync in progress, or starts one: one at a time, so a sync never overwrites a later one's places.
     * A request waiting on it counts in what the next sync asks for.
     */
    synchronized Uni<Void> sync(Function<Allowance, Uni<Void>> start, boolean forRequest) {
        if (forRequest) {
            waiting++;
        }
        if (sync == null) {
            sync = start.apply(this).onTermination().invoke(this::syncEnded).memoize().indefinitely();
        }
        return forRequest ? sync.onTermination().invoke(this::stoppedWaiting) : sync;
    }

    /**
     * Tokens when none are left here and a request waits, unused tokens back when no request came for a while, and a
     * place for every request in progress or waiting, or the most in progress at once since the last sync.
     */
    synchronized Ask ask(long now) {
        int returned = waiting == 0 && tokens > 0 && now - lastUsed >= HOLD_TOKENS_MS ? tokens : 0;
        tokens -= returned;
        int wanted = waiting == 0 || tokens >= 1 ? 0 : Math.max(batch(limits), waiting);
        return new Ask(limits, wanted, returned,
                Math.min(limits.concurrentRequests(), Math.max(peak, inFlight + waiting)));
    }

    synchronized void synced(Ask ask, long granted, long left, long retry, long reset, int placesHeld, long now) {
        bucketEmpty = ask.tokens() > 0 && granted == 0;
        placesTaken = placesHeld < ask.places();
        tokens += (int) granted;
        places = placesHeld;
        peak = inFlight;
        syncedAt = now;
        bucketLeft = left;
        retryMs = retry;
        resetMs = reset;
    }

    /** Whether places held need renewing (or giving back), or the tokens of an organization gone quiet here going back. */
    synchronized boolean due(long now) {
        return sync == null && !retired && limits != null
                && (places > 0 && now - syncedAt >= RENEW_AFTER_MS
                    || tokens > 0 && now - lastUsed >= HOLD_TOKENS_MS);
    }

    /** Forgets this allowance when it holds nothing and has not been used for a while. */
    synchronized boolean retireIfUnused(long now) {
        retired = sync == null && waiting == 0 && inFlight == 0 && places == 0 && tokens == 0
                && now - lastUsed >= FORGET_AFTER_MS;
        return retired;
    }

    private static int batch(Limits limits) {
        return Math.max(1, limits.requestsPerSecond() / 20);
    }

    private synchronized void syncEnded() {
        sync = null;
    }

    private synchronized void stoppedWaiting() {
        waiting--;
    }
}
