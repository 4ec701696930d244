package io.tenantry.results.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.tenantry.results.store.TenantRoute;

/**
 * The budget's decisions, without a database: which request gets which connection, who waits, and whose
 * connection closes to make room. Connections are named {@code <tenant>#<n>}, in the order they were opened.
 */
class ConnectionBudgetDecisionsTest {

    private long now = 1_000;
    private int opened;

    @Test
    void aRequestTakesTheIdleConnectionItsTenantUsedLast() {
        ConnectionBudget<String, String> budget = budget(10, 2);
        Lease<String, String> first = granted(budget.acquire(route("a"), "a1"));
        Lease<String, String> second = granted(budget.acquire(route("a"), "a2"));
        budget.release(second);
        later();
        budget.release(first);
        assertEquals("a#1", granted(budget.acquire(route("a"), "a3")).connection());
        assertEquals(2, budget.grantedConnections(), "no connection was opened for it");
    }

    @Test
    void aTenantOpensConnectionsUpToItsShareThenWaitsInItsOwnLine() {
        ConnectionBudget<String, String> budget = budget(10, 2);
        Lease<String, String> first = granted(budget.acquire(route("a"), "a1"));
        granted(budget.acquire(route("a"), "a2"));
        BudgetPlan<String, String> third = budget.acquire(route("a"), "a3");
        assertEquals(List.of("a3"), third.waits());
        assertEquals(2, budget.grantedConnections());
        BudgetPlan<String, String> released = budget.release(first);
        assertEquals("a3", released.grants().get(0).request());
        assertEquals("a#1", released.grants().get(0).lease().connection(), "the connection passed straight on");
    }

    @Test
    void aDiscardedConnectionIsNeverLentAgainAndItsPlaceGoesToItsTenantsLine() {
        ConnectionBudget<String, String> budget = budget(2, 2);
        Lease<String, String> lost = granted(budget.acquire(route("a"), "a1"));
        granted(budget.acquire(route("a"), "a2"));
        assertEquals(List.of("a3"), budget.acquire(route("a"), "a3").waits());
        BudgetPlan<String, String> discarded = budget.discard(lost);
        assertEquals(List.of("a#1"), connections(discarded.closes()));
        assertTrue(discarded.grants().isEmpty(), "a3 waits for the closed connection's place");
        assertTrue(budget.release(lost).grants().isEmpty(), "a discarded lease is given back once");
        BudgetPlan<String, String> closed = budget.closed(onPg0(false));
        assertEquals("a3", closed.grants().get(0).request());
        assertEquals("a#3", closed.grants().get(0).lease().connection(), "a new connection, not the lost one");
        assertEquals(2, budget.grantedConnections());
    }

    @Test
    void aTenantThatHasConnectionsTakesNoMoreFromASpentBudget() {
        ConnectionBudget<String, String> budget = budget(2, 2);
        granted(budget.acquire(route("a"), "a1"));
        budget.release(granted(budget.acquire(route("b"), "b1")));
        BudgetPlan<String, String> plan = budget.acquire(route("a"), "a2");
        assertEquals(List.of("a2"), plan.waits());
        assertTrue(reclaimed(plan.closes()).isEmpty(), "b keeps its idle connection: " + reclaimed(plan.closes()));
    }

    @Test
    void aTenantWithoutAConnectionTakesTheSpareUnusedForLongestBeforeAnyonesLast() {
        ConnectionBudget<String, String> budget = budget(3, 2);
        Lease<String, String> b = granted(budget.acquire(route("b"), "b1"));
        Lease<String, String> a1 = granted(budget.acquire(route("a"), "a1"));
        Lease<String, String> a2 = granted(budget.acquire(route("a"), "a2"));
        budget.release(b);
        later();
        budget.release(a2);
        later();
        budget.release(a1);
        BudgetPlan<String, String> plan = budget.acquire(route("c"), "c1");
        assertEquals(List.of("c1"), plan.waits());
        assertEquals(List.of("a#3"), reclaimed(plan.closes()), "a's spare used longest ago, not b's only connection");
        assertEquals(3, budget.grantedConnections(), "a closing connection still counts");
        BudgetPlan<String, String> closed = budget.closed(onPg0(true));
        assertEquals("c1", closed.grants().get(0).request());
        assertEquals("c#4", closed.grants().get(0).lease().connection());
        assertEquals(3, budget.grantedConnections());
    }

    @Test
    void withoutSparesTheIdleTenantUnusedForLongestMakesRoom() {
        ConnectionBudget<String, String> budget = budget(2, 2);
        budget.release(granted(budget.acquire(route("a"), "a1")));
        later();
        budget.release(granted(budget.acquire(route("b"), "b1")));
        BudgetPlan<String, String> plan = budget.acquire(route("c"), "c1");
        assertEquals(List.of("a#1"), reclaimed(plan.closes()));
        assertEquals(2, budget.openTenants(), "a is gone, b stays, c is waiting");
        assertEquals("c1", budget.closed(onPg0(true)).grants().get(0).request());
    }

    @Test
    void whenEveryConnectionIsBusyATenantWithoutOneWaitsForTheFirstToComeFree() {
        ConnectionBudget<String, String> budget = budget(2, 2);
        Lease<String, String> a = granted(budget.acquire(route("a"), "a1"));
        granted(budget.acquire(route("b"), "b1"));
        BudgetPlan<String, String> plan = budget.acquire(route("c"), "c1");
        assertEquals(List.of("c1"), plan.waits());
        assertTrue(reclaimed(plan.closes()).isEmpty(), "nothing idle to close");
        assertEquals(List.of("a#1"), reclaimed(budget.release(a).closes()), "the connection that came free makes room");
        assertEquals("c1", budget.closed(onPg0(true)).grants().get(0).request());
    }

    @Test
    void aRequestWhoseWaitEndedIsServedNoMore() {
        ConnectionBudget<String, String> budget = budget(10, 1);
        Lease<String, String> first = granted(budget.acquire(route("a"), "a1"));
        budget.acquire(route("a"), "a2");
        assertTrue(budget.abandon("a2"));
        assertFalse(budget.abandon("a2"), "abandoned once");
        assertTrue(budget.release(first).grants().isEmpty());
        assertEquals(0, budget.waitingRequests());
        assertEquals(0, budget.busyConnections());
    }

    @Test
    void aLeaseIsReleasedOnlyOnce() {
        ConnectionBudget<String, String> budget = budget(10, 1);
        Lease<String, String> first = granted(budget.acquire(route("a"), "a1"));
        budget.acquire(route("a"), "a2");
        budget.acquire(route("a"), "a3");
        assertEquals("a2", budget.release(first).grants().get(0).request());
        assertTrue(budget.release(first).grants().isEmpty(), "the connection a2 now holds is not handed to a3");
        assertEquals(1, budget.waitingRequests());
    }

    @Test
    void connectionsIdlePastTheCutoffCloseAndThenTheirTenant() {
        ConnectionBudget<String, String> budget = budget(10, 2);
        Lease<String, String> first = granted(budget.acquire(route("a"), "a1"));
        Lease<String, String> second = granted(budget.acquire(route("a"), "a2"));
        budget.release(first);
        long between = later();
        budget.release(second);
        BudgetPlan<String, String> sweep = budget.closeIdle(between);
        assertEquals(List.of("a#1"), connections(sweep.closes()));
        assertEquals(1, budget.openTenants());
        assertEquals(List.of("a#2"), connections(budget.closeIdle(later()).closes()));
        assertEquals(0, budget.openTenants());
        budget.closed(onPg0(false));
        budget.closed(onPg0(false));
        assertEquals(0, budget.grantedConnections());
    }

    @Test
    void aClosedTenantsWaitingRequestsAskAgainAndItsBusyConnectionClosesWhenItsRequestEnds() {
        ConnectionBudget<String, String> budget = budget(10, 1);
        Lease<String, String> running = granted(budget.acquire(route("a"), "a1"));
        budget.acquire(route("a"), "a2");
        BudgetPlan<String, String> plan = budget.closeTenant("a");
        assertEquals(List.of("a2"), plan.retries());
        assertEquals(List.of(), connections(plan.closes()), "the running request keeps its connection");
        BudgetPlan<String, String> released = budget.release(running);
        assertTrue(released.grants().isEmpty());
        assertEquals(List.of("a#1"), connections(released.closes()));
        assertTrue(connections(budget.release(running).closes()).isEmpty(), "given back twice, closed once");
        assertEquals(1, budget.grantedConnections(), "counted until closed");
        budget.closed(onPg0(false));
        assertEquals(0, budget.grantedConnections());
        assertEquals("a#2", granted(budget.acquire(route("a"), "a2")).connection());
    }

    @Test
    void aTenantThatMovedGetsNewConnectionsAndItsOldOnesClose() {
        ConnectionBudget<String, String> budget = budget(10, 2);
        budget.release(granted(budget.acquire(route("a"), "a1")));
        TenantRoute rotated = new TenantRoute("a", "active", "pg0", "results_a", "tenant_a", 2, 10, 10, null, null);
        BudgetPlan<String, String> plan = budget.acquire(rotated, "a2");
        assertEquals(List.of("a#1"), connections(plan.closes()));
        assertEquals("a#2", plan.grants().get(0).lease().connection());
    }

    @Test
    void aRefusalOnTheOldRouteClosesOnlyTheConnectionsMadeForIt() {
        ConnectionBudget<String, String> budget = budget(10, 2);
        budget.release(granted(budget.acquire(route("a"), "a1")));
        TenantRoute moved = new TenantRoute("a", "active", "pg1", "results_a", "tenant_a", 1, 10, 10, null, null);
        budget.release(granted(budget.acquire(moved, "a2")));
        budget.closed(onPg0(false));
        assertTrue(connections(budget.closeRoute(route("a")).closes()).isEmpty(), "the pool to the new server stays");
        assertEquals(List.of("a#2"), connections(budget.closeRoute(moved).closes()));
    }

    @Test
    void theBudgetIsNeverExceeded() {
        ConnectionBudget<String, String> budget = budget(3, 2);
        for (String tenant : List.of("a", "b", "c", "d", "e")) {
            budget.acquire(route(tenant), tenant + "1");
            budget.acquire(route(tenant), tenant + "2");
        }
        assertEquals(3, budget.grantedConnections());
        assertEquals(3, budget.busyConnections());
        assertEquals(7, budget.waitingRequests());
    }

    @Test
    void aServerCapBoundsThatServerOnlyAndARequestWaitsForRoomThere() {
        ConnectionBudget<String, String> budget = budget(10, 2);
        budget.resize("pg0", 1);
        Lease<String, String> a = granted(budget.acquire(route("a"), "a1"));
        assertEquals(List.of("b1"), budget.acquire(route("b"), "b1").waits(), "pg0 is at its cap");
        granted(budget.acquire(route("c", "pg1"), "c1"));
        granted(budget.acquire(route("c", "pg1"), "c2"));
        assertEquals(1, budget.grantedConnections("pg0"));
        assertEquals(2, budget.grantedConnections("pg1"));
        BudgetPlan<String, String> released = budget.release(a);
        assertEquals(List.of("a#1"), reclaimed(released.closes()), "a's idle connection makes room for b on pg0");
        assertEquals("b1", budget.closed(onPg0(true)).grants().get(0).request());
    }

    @Test
    void aShrunkCapClosesIdleConnectionsAtOnceAndBusyOnesWhenTheirRequestsEnd() {
        ConnectionBudget<String, String> budget = budget(10, 2);
        Lease<String, String> a1 = granted(budget.acquire(route("a"), "a1"));
        budget.release(granted(budget.acquire(route("a"), "a2")));
        Lease<String, String> b1 = granted(budget.acquire(route("b"), "b1"));
        assertEquals(List.of("a#2"), connections(budget.resize("pg0", 1).closes()), "the idle spare closes at once");
        assertEquals(List.of("a3"), budget.acquire(route("a"), "a3").waits(), "nothing new above the cap");
        assertEquals(List.of("a#1"), connections(budget.release(a1).closes()),
                "above the cap a connection that comes free closes instead of serving a3");
        budget.closed(onPg0(false));
        budget.closed(onPg0(false));
        assertEquals(1, budget.grantedConnections("pg0"));
        assertEquals(List.of("b#3"), reclaimed(budget.release(b1).closes()),
                "at the cap again, b's idle connection makes room for a, which has none left");
        assertEquals("a3", budget.closed(onPg0(true)).grants().get(0).request());
        assertEquals(1, budget.grantedConnections("pg0"));
    }

    @Test
    void aGrownCapServesTheRequestsWaitingForIt() {
        ConnectionBudget<String, String> budget = budget(10, 2);
        budget.resize("pg0", 0);
        assertEquals(List.of("a1"), budget.acquire(route("a"), "a1").waits());
        assertEquals(List.of("b1"), budget.acquire(route("b"), "b1").waits());
        BudgetPlan<String, String> grown = budget.resize("pg0", 1);
        assertEquals(List.of("a1"), grown.grants().stream().map(BudgetPlan.Grant::request).toList());
        assertEquals(List.of("b1"), budget.resize("pg0", 2).grants().stream().map(BudgetPlan.Grant::request).toList());
        assertEquals(2, budget.grantedConnections("pg0"));
    }

    @Test
    void aShrunkCapClosesSparesBeforeAnyTenantsLast() {
        ConnectionBudget<String, String> budget = budget(10, 2);
        Lease<String, String> a1 = granted(budget.acquire(route("a"), "a1"));
        Lease<String, String> a2 = granted(budget.acquire(route("a"), "a2"));
        Lease<String, String> b1 = granted(budget.acquire(route("b"), "b1"));
        budget.release(a1);
        budget.release(b1);
        later();
        budget.release(a2);
        assertEquals(List.of("a#1"), connections(budget.resize("pg0", 2).closes()));
        assertEquals(List.of("b#3"), connections(budget.resize("pg0", 1).closes()),
                "then the idle tenant used longest ago");
    }

    private ConnectionBudget<String, String> budget(int global, int perTenant) {
        return new ConnectionBudget<>(global, perTenant, () -> now, route -> route.orgId() + "#" + ++opened);
    }

    /** Moves the clock on; answers a moment between before and after. */
    private long later() {
        now += 10;
        return now - 5;
    }

    private static TenantRoute route(String tenant) {
        return route(tenant, "pg0");
    }

    private static TenantRoute route(String tenant, String server) {
        return new TenantRoute(tenant, "active", server, "results_" + tenant, "tenant_" + tenant, 1, 10, 10, null, null);
    }

    /** A connection to pg0 the budget let go of, now closed. */
    private static BudgetPlan.Closing<String> onPg0(boolean reclaimed) {
        return new BudgetPlan.Closing<>("pg0", "closed", reclaimed);
    }

    private static List<String> connections(List<BudgetPlan.Closing<String>> closes) {
        return closes.stream().map(BudgetPlan.Closing::connection).toList();
    }

    private static List<String> reclaimed(List<BudgetPlan.Closing<String>> closes) {
        return closes.stream().filter(BudgetPlan.Closing::reclaimed).map(BudgetPlan.Closing::connection).toList();
    }

    private static Lease<String, String> granted(BudgetPlan<String, String> plan) {
        assertEquals(1, plan.grants().size(), "granted at once");
        return plan.grants().get(0).lease();
    }
}
