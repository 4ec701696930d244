package io.tenantry.metadata.organization;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.tenantry.common.OrgId;
import io.tenantry.common.Permission;
import io.tenantry.common.lifecycle.DesiredState;
import io.tenantry.common.lifecycle.OrganizationStatus;
import io.tenantry.common.paging.Cursor;
import io.tenantry.common.paging.Page;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.metadata.audit.AuditLog;
import io.tenantry.metadata.membership.MembershipService;
import io.tenantry.metadata.role.Role;
import io.tenantry.metadata.security.AccessGuard;
import io.tenantry.metadata.security.Caller;
import io.tenantry.metadata.security.TokenRevocation;
import io.tenantry.common.logging.RequestId;

/**
 * Organizations' desired state and quotas. Onboarding, suspension, resumption and deletion only record what is
 * wanted; the tenant-provisioner acts on it and reports the observed status back.
 */
@ApplicationScoped
public class OrganizationService {

    @Inject
    AccessGuard guard;

    @Inject
    Caller caller;

    @Inject
    RequestId requestId;

    @Inject
    AuditLog audit;

    @Inject
    OrganizationStatusReports statusReports;

    @Inject
    MembershipService memberships;

    @Inject
    TokenRevocation revocation;

    @Inject
    Event<ProvisionerWakeUp.DesiredStateChanged> desiredStateChanged;

    @Transactional
    public OrganizationView create(OrganizationRequests.Create request) {
        guard.requirePlatformAdmin();
        String orgId = OrgId.of(request.orgId()).value();
        if (Organization.findById(orgId) != null) {
            throw ApiProblem.conflict("organization '" + orgId + "' already exists; organization ids are never reused");
        }
        Quotas quotas = request.quotas() == null ? Quotas.DEFAULT : request.quotas();
        OffsetDateTime now = OffsetDateTime.now();
        Organization org = new Organization();
        org.orgId = orgId;
        org.displayName = request.displayName().trim();
        org.region = request.region();
        org.status = OrganizationStatus.REQUESTED;
        org.desiredState = DesiredState.ACTIVE;
        setQuotas(org, quotas);
        org.createdAt = now;
        org.updatedAt = now;
        org.persist();
        audit.record("organization.created", orgId, "organization", orgId,
                Map.of("region", org.region, "displayName", org.displayName));
        if (request.adminEmail() != null) {
            memberships.addByEmail(orgId, request.adminEmail(), Role.ORG_ADMIN);
        }
        desiredStateChanged.fire(new ProvisionerWakeUp.DesiredStateChanged(orgId));
        return OrganizationView.of(org);
    }

    public Page<OrganizationView> list(OrganizationStatus status, String region, String after, int limit) {
        List<String> visible = guard.isPlatformAdmin() ? null : guard.memberOrganizations();
        if (visible != null && visible.isEmpty()) {
            return new Page<>(List.of(), null);
        }
        List<Organization> rows = Organization.page(Cursor.decode(after), status, region, visible, limit);
        return Page.of(rows, limit, o -> o.orgId, OrganizationView::of);
    }

    public OrganizationView get(String orgId) {
        guard.require(orgId, Permission.ORG_READ);
        return OrganizationView.of(find(orgId));
    }

    @Transactional
    public OrganizationView update(String orgId, OrganizationRequests.Update request) {
        var access = guard.require(orgId, Permission.ORG_MANAGE);
        if (request.quotas() != null && !access.platformAdmin()) {
            throw ApiProblem.forbidden("only platform administrators change quotas");
        }
        Organization org = find(orgId);
        if (org.version != request.version()) {
            throw ApiProblem.conflict("organization '" + orgId + "' changed since version " + request.version()
                    + " (now " + org.version + "); read it again and retry");
        }
        Map<String, Object> changes = new HashMap<>();
        if (request.displayName() != null) {
            org.displayName = request.displayName().trim();
            changes.put("displayName", org.displayName);
        }
        if (request.quotas() != null) {
            setQuotas(org, request.quotas());
            Map<String, Object> quotas = new LinkedHashMap<>();
            quotas.put("maxQueuedJobs", org.maxQueuedJobs);
            quotas.put("maxJobsPerDay", org.maxJobsPerDay);
            quotas.put("maxRequestsPerSecond", org.maxRequestsPerSecond);
            quotas.put("maxConcurrentRequests", org.maxConcurrentRequests);
            quotas.put("maxDatabaseBytes", org.maxDatabaseBytes);
            changes.put("quotas", quotas);
        }
        org.updatedAt = OffsetDateTime.now();
        audit.record("organization.updated", orgId, "organization", orgId, changes);
        Organization.getEntityManager().flush();
        return OrganizationView.of(org);
    }

    @Transactional
    public OrganizationView suspend(String orgId) {
        return desire(orgId, DesiredState.SUSPENDED, "organization.suspend-requested");
    }

    @Transactional
    public OrganizationView resume(String orgId) {
        return desire(orgId, DesiredState.ACTIVE, "organization.resume-requested");
    }

    @Transactional
    public OrganizationView delete(String orgId) {
        return desire(orgId, DesiredState.DELETED, "organization.delete-requested");
    }

    /** The provisioner's report of the observed status; the database function decides whether the move is legal. */
    @Transactional
    public OrganizationView reportStatus(String orgId, OrganizationRequests.StatusReport report) {
        guard.requirePlatformAdmin();
        String id = OrgId.of(orgId).value();
        statusReports.report(id, report.status(), report.reason(), caller.subject(), requestId.value());
        return OrganizationView.of(Organization.reread(id));
    }

    private OrganizationView desire(String orgId, DesiredState wanted, String action) {
        guard.requirePlatformAdmin();
        Organization org = find(OrgId.of(orgId).value());
        if (org.desiredState == DesiredState.DELETED || org.status == OrganizationStatus.DELETED) {
            throw ApiProblem.conflict("organization '" + orgId + "' is being deleted or is deleted");
        }
        if (wanted == DesiredState.SUSPENDED && org.desiredState != DesiredState.ACTIVE) {
            throw ApiProblem.conflict("organization '" + orgId + "' is already suspended or being suspended");
        }
        if (wanted == DesiredState.ACTIVE && org.desiredState != DesiredState.SUSPENDED) {
            throw ApiProblem.conflict("organization '" + orgId + "' is not suspended");
        }
        org.desiredState = wanted;
        if (wanted != DesiredState.ACTIVE) {
            revocation.revokeOrganization(org.orgId);
        }
        org.updatedAt = OffsetDateTime.now();
        audit.record(action, orgId, "organization", orgId, Map.of("desiredState", wanted.wire()));
        Organization.getEntityManager().flush();
        desiredStateChanged.fire(new ProvisionerWakeUp.DesiredStateChanged(orgId));
        return OrganizationView.of(org);
    }

    private static Organization find(String orgId) {
        Organization org = Organization.findById(orgId);
        if (org == null) {
            throw ApiProblem.notFound("organization '" + orgId + "' not found");
        }
        return org;
    }

    /** Quotas are replaced whole: a rate limit or size left out returns to its service's default. */
    private static void setQuotas(Organization org, Quotas quotas) {
        org.maxQueuedJobs = quotas.maxQueuedJobs();
        org.maxJobsPerDay = quotas.maxJobsPerDay();
        org.maxRequestsPerSecond = quotas.maxRequestsPerSecond();
        org.maxConcurrentRequests = quotas.maxConcurrentRequests();
        org.maxDatabaseBytes = quotas.maxDatabaseBytes();
    }
}
