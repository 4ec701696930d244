package io.tenantry.provisioner.reconcile;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

import io.tenantry.provisioner.ProvisionerConfig;

/**
 * Organizations waiting to be reconciled, each at most once, worked off by at most
 * {@code max-concurrent-reconciles} workers: a burst of a thousand wake-ups becomes a queue, not a thousand
 * threads fighting over the connection pool.
 */
@ApplicationScoped
public class ReconcileQueue {

    private static final Logger LOG = Logger.getLogger(ReconcileQueue.class);

    @Inject
    Reconciler reconciler;

    @Inject
    ManagedExecutor workers;

    @Inject
    ProvisionerConfig config;

    private final Set<String> pending = new LinkedHashSet<>();
    private int working;

    public void add(String orgId) {
        synchronized (this) {
            if (!pending.add(orgId) || working >= config.maxConcurrentReconciles()) {
                return;
            }
            working++;
        }
        workers.runAsync(this::workOff);
    }

    public synchronized int waiting() {
        return pending.size();
    }

    private void workOff() {
        while (true) {
            String orgId;
            synchronized (this) {
                Iterator<String> next = pending.iterator();
                if (!next.hasNext()) {
                    working--;
                    return;
                }
                orgId = next.next();
                next.remove();
            }
            try {
                reconciler.reconcile(orgId);
            } catch (Exception e) {
                LOG.warnf("reconcile of %s failed, the periodic pass retries it: %s", orgId, e.getMessage());
            }
        }
    }
}
