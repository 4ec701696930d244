/**
 * All of results-service's SQL, one store per table or view it reads or writes.
 * <p>
 * A tenant database is reached only on a connection {@code TenantPools} lends under the global budget, so the
 * stores of tenant data ({@link io.tenantry.results.store.JobStore}, {@link io.tenantry.results.store.JobEventStore},
 * {@link io.tenantry.results.store.ExecutionStore}, {@link io.tenantry.results.store.TaskResultStore},
 * {@link io.tenantry.results.store.DockingResultStore}) are static and take that connection. The metadata database
 * is read through its own pool, as role {@code tenantry_results}, by {@link io.tenantry.results.store.RegistryStore},
 * {@link io.tenantry.results.store.CatalogueStore}, {@link io.tenantry.results.store.RevocationStore} and
 * {@link io.tenantry.results.store.DatabaseHealthStore} alone, and only through what that role is granted. The
 * records here are the rows as clients see them.
 */
package io.tenantry.results.store;


