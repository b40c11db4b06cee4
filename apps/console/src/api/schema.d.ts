/**
 * Generated from the API's OpenAPI document (/docs-json) by `npm run console:api`. Do not edit by hand:
 * test/console/api-types.e2e-spec.ts fails when this file and the running API differ.
 */

export interface paths {
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log in as staff; returns a bearer access token
         * @description Access: public, no credentials.
         */
        post: operations["AuthController_login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The logged-in staff member
         * @description Access: any staff; not API keys. Others get 403.
         */
        get: operations["AuthController_me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Teams visible to the caller
         * @description Access: any staff; not API keys. Others get 403.
         */
        get: operations["StaffController_listTeams"];
        put?: never;
        /**
         * Create a team (admin)
         * @description Access: staff with the role admin; not API keys. Others get 403.
         */
        post: operations["StaffController_createTeam"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Rename a team or set its supervisor, who receives its escalations (admin; null clears it)
         * @description Access: staff with the role admin; not API keys. Others get 403.
         */
        patch: operations["StaffController_updateTeam"];
        trace?: never;
    };
    "/api/v1/teams/{id}/board": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A team's board: advisors' load and day, the unassigned pool, escalations, cohort alerts (the team's supervisor, admins)
         * @description Another team's supervisor gets 404. Lists hold at most 50 cases each; `total` gives the full count.
         *
         *     Access: staff with the role admin or supervisor; not API keys. Others get 403.
         */
        get: operations["StaffController_board"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/staff": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Staff of the caller's teams (admins: everyone)
         * @description Access: any staff; not API keys. Others get 403.
         */
        get: operations["StaffController_list"];
        put?: never;
        /**
         * Create a staff member (admin)
         * @description Access: staff with the role admin; not API keys. Others get 403.
         */
        post: operations["StaffController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/staff/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One staff member
         * @description Access: any staff; not API keys. Others get 403.
         */
        get: operations["StaffController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a staff member (admin; supervisors: status, capacity, hours, skills of their team)
         * @description Access: staff with the role admin or supervisor; not API keys. Others get 403.
         */
        patch: operations["StaffController_update"];
        trace?: never;
    };
    "/api/v1/me/queue": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The daily queue: tasks due that day and overdue (overdue first, then due time, then case priority), open cases without a task, counts
         * @description Access: any staff; not API keys. Others get 403.
         */
        get: operations["TasksController_queue"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tasks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Tasks (advisors: their own; supervisors: their teams')
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["TasksController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tasks/reassign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Move many scheduled tasks to one person at once, all or nothing (supervisor of their teams, admin); audited
         * @description Access: staff with the role supervisor or admin; not API keys. Others get 403.
         */
        post: operations["TasksController_reassignMany"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tasks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One task
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["TasksController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tasks/{id}/outcome": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log a call outcome (assignee, their supervisor or an admin); followUpAt creates a follow_up task
         * @description Access: any staff; not API keys. Others get 403.
         */
        post: operations["TasksController_outcome"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tasks/{id}/reschedule": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Move a scheduled task (assignee, their supervisor or an admin); audited
         * @description Access: any staff; not API keys. Others get 403.
         */
        post: operations["TasksController_reschedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tasks/{id}/reassign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Give a scheduled task to someone else (supervisor of the team, admin); audited
         * @description Access: staff with the role supervisor or admin; not API keys. Others get 403.
         */
        post: operations["TasksController_reassign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Webhooks (admin)
         * @description Access: staff with the role admin; not API keys. Others get 403.
         */
        get: operations["WebhooksController_list"];
        put?: never;
        /**
         * Subscribe a URL to events; deliveries are signed with the secret (admin)
         * @description Access: staff with the role admin; not API keys. Others get 403.
         */
        post: operations["WebhooksController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change or re-enable a webhook (admin)
         * @description Access: staff with the role admin; not API keys. Others get 403.
         */
        patch: operations["WebhooksController_update"];
        trace?: never;
    };
    "/api/v1/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Delivery log, newest first, with every attempt (admin)
         * @description Access: staff with the role admin; not API keys. Others get 403.
         */
        get: operations["WebhooksController_deliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a failed or skipped delivery again with fresh attempts (admin, audited); a pending one is left on its way
         * @description Access: staff with the role admin; not API keys. Others get 403.
         */
        post: operations["WebhooksController_redeliver"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Cases visible to the caller, by priority then due time
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["CasesController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/reassign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Move many cases at once, all or nothing (caseIds or every open case of fromAdvisorId)
         * @description Access: staff with the role admin or supervisor; not API keys. Others get 403.
         */
        post: operations["CasesController_reassign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One case with its alerts (evidence), tasks and history
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["CasesController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/assign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Assign one case to an advisor (with a reason)
         * @description Access: staff with the role admin or supervisor; not API keys. Others get 403.
         */
        post: operations["CasesController_assign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resolve a case: retained, churned (churnReason required), unreachable or not_at_risk
         * @description Access: staff with the role admin or supervisor or advisor; not API keys. Others get 403.
         */
        post: operations["CasesController_resolve"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/reschedule": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Move the first-contact due time
         * @description Access: staff with the role admin or supervisor or advisor; not API keys. Others get 403.
         */
        post: operations["CasesController_reschedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/api-clients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List API clients (keys are never shown again)
         * @description Access: staff with the role admin; not API keys. Others get 403.
         */
        get: operations["ApiClientsController_list"];
        put?: never;
        /**
         * Create an API client; the key is in this response only
         * @description Access: staff with the role admin; not API keys. Others get 403.
         */
        post: operations["ApiClientsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/api-clients/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API client; its key stops working at once
         * @description Access: staff with the role admin; not API keys. Others get 403.
         */
        delete: operations["ApiClientsController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Audit log, newest first: who changed what, when and why
         * @description Access: staff with the role admin or supervisor; not API keys. Others get 403.
         */
        get: operations["AuditController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The process is up
         * @description Access: public, no credentials.
         */
        get: operations["HealthController_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * PostgreSQL and Redis answer; 503 naming what is down otherwise
         * @description Access: public, no credentials.
         */
        get: operations["HealthController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics (admin token or an API key with read)
         * @description Access: staff with the role admin; API keys with the scope read. Others get 403.
         */
        get: operations["MetricsController_scrape"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sync/courses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Upsert courses by externalId (≤ 5,000 items)
         * @description Access: staff with the role admin; API keys with the scope sync:write. Others get 403.
         */
        put: operations["SyncController_courses"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sync/learners": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Upsert learners by externalId (≤ 5,000 items)
         * @description Access: staff with the role admin; API keys with the scope sync:write. Others get 403.
         */
        put: operations["SyncController_learners"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sync/enrollments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Upsert enrolments by externalId (≤ 5,000 items)
         * @description Access: staff with the role admin; API keys with the scope sync:write. Others get 403.
         */
        put: operations["SyncController_enrollments"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sync/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Append activity events by eventId (≤ 5,000 items); rollups updated in the same statement
         * @description Access: staff with the role admin; API keys with the scope sync:write. Others get 403.
         */
        post: operations["SyncController_events"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/learners": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Learners visible to the caller: search, filter by owner, lifecycle stage, risk
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["LearnersController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/learners/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One learner: enrolments with progress and stage, open alerts, weekly study minutes, owner
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["LearnersController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/learners/{id}/timeline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Events, alerts and tasks of a learner, newest first (cursor pagination)
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["LearnersController_timeline"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/retention": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Churn (30/60/90 days, mature enrolments only), renewal rate and retention curve per enrolment cohort
         * @description Access: staff with the role admin or supervisor; API keys with the scope read. Others get 403.
         */
        get: operations["AnalyticsController_retention"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/first-week": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * First-week program: coverage, churn of covered vs not covered vs holdout, holdout uplift with 95% CI
         * @description Access: staff with the role admin or supervisor; API keys with the scope read. Others get 403.
         */
        get: operations["AnalyticsController_firstWeek"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Per rule: alerts, precision, recall, median lead time, feedback (period = alert and churn dates)
         * @description Access: staff with the role admin or supervisor; API keys with the scope read. Others get 403.
         */
        get: operations["AnalyticsController_rules"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/churn-reasons": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Distribution of recorded churn reasons (resolved cases and call outcomes)
         * @description Access: staff with the role admin or supervisor; API keys with the scope read. Others get 403.
         */
        get: operations["AnalyticsController_churnReasons"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/advisors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Per advisor: open cases, tasks done and overdue, median time to first contact, case outcomes
         * @description Access: staff with the role admin or supervisor; API keys with the scope read. Others get 403.
         */
        get: operations["AnalyticsController_advisors"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/tickets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Tickets: first response and resolution p50/p90 in business minutes, SLA compliance; overall, per category and priority
         * @description Access: staff with the role admin or supervisor; API keys with the scope read. Others get 403.
         */
        get: operations["AnalyticsController_tickets"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * When the outcome summary was last refreshed, and whether a refresh is pending
         * @description Access: staff with the role admin or supervisor; API keys with the scope read. Others get 403.
         */
        get: operations["AnalyticsController_status"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Recompute churn outcomes now (runs in the worker; poll GET /analytics/status)
         * @description Access: staff with the role admin or supervisor; not API keys. Others get 403.
         */
        post: operations["AnalyticsController_refresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tickets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Tickets visible to the caller (advisors: their own; supervisors: their teams)
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["TicketsController_list"];
        put?: never;
        /**
         * Open a ticket (staff, or an integration with sync:write); routed by category and assigned. 201 new, 200 when externalId repeats
         * @description Access: staff with the role admin or supervisor or advisor; API keys with the scope sync:write. Others get 403.
         */
        post: operations["TicketsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tickets/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One ticket with its messages, SLA deadlines and suggested knowledge-base articles
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["TicketsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change category, priority, subject or status (open, pending, closed)
         * @description Access: any staff; not API keys. Others get 403.
         */
        patch: operations["TicketsController_update"];
        trace?: never;
    };
    "/api/v1/tickets/{id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reply or add an internal note (staff), or post the learner's reply (integration, sync:write)
         * @description Access: staff with the role admin or supervisor or advisor; API keys with the scope sync:write. Others get 403.
         */
        post: operations["TicketsController_addMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tickets/{id}/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resolve a ticket (a learner reply reopens it)
         * @description Access: any staff; not API keys. Others get 403.
         */
        post: operations["TicketsController_resolve"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tickets/{id}/assign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Assign or reassign one ticket (supervisor of its team, admin), with a reason
         * @description Access: staff with the role admin or supervisor; not API keys. Others get 403.
         */
        post: operations["TicketsController_assign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tickets/reassign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Move listed tickets, or all open tickets of one person, to someone or through the policy, with a reason (all or nothing)
         * @description Access: staff with the role admin or supervisor; not API keys. Others get 403.
         */
        post: operations["TicketsController_reassign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ticket-routes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Category → team routing
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["TicketsController_listRoutes"];
        /**
         * Set (teamId) or remove (teamId null) the team of the listed categories (admin)
         * @description Access: staff with the role admin; not API keys. Others get 403.
         */
        put: operations["TicketsController_putRoutes"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/kb/articles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search articles (Chinese or English), best match first
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["KbController_search"];
        put?: never;
        /**
         * Write an article (admin, supervisor)
         * @description Access: staff with the role admin or supervisor; not API keys. Others get 403.
         */
        post: operations["KbController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/kb/articles/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One article, with how often it answered tickets per category
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["KbController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Edit an article (admin, supervisor)
         * @description Access: staff with the role admin or supervisor; not API keys. Others get 403.
         */
        patch: operations["KbController_update"];
        trace?: never;
    };
    "/api/v1/calendars": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Business-hours calendars
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["CalendarsController_listCalendars"];
        put?: never;
        /**
         * Create a business-hours calendar (admin)
         * @description Access: staff with the role admin; not API keys. Others get 403.
         */
        post: operations["CalendarsController_createCalendar"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/calendars/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One calendar
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["CalendarsController_getCalendar"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a calendar (admin); tickets opened afterwards use the new hours
         * @description Access: staff with the role admin; not API keys. Others get 403.
         */
        patch: operations["CalendarsController_updateCalendar"];
        trace?: never;
    };
    "/api/v1/sla-policies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * SLA policies in match order
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["CalendarsController_listPolicies"];
        put?: never;
        /**
         * Create an SLA policy (admin); the first policy by position that matches a ticket wins
         * @description Access: staff with the role admin; not API keys. Others get 403.
         */
        post: operations["CalendarsController_createPolicy"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sla-policies/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change an SLA policy (admin)
         * @description Access: staff with the role admin; not API keys. Others get 403.
         */
        patch: operations["CalendarsController_updatePolicy"];
        trace?: never;
    };
    "/api/v1/rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Warning rules with their parameters, severity, action and cohort threshold
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["RulesController_list"];
        put?: never;
        /**
         * Create a rule of a built-in kind (admin); the same definition again returns 200 unchanged
         * @description Access: staff with the role admin; not API keys. Others get 403.
         */
        post: operations["RulesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/rule-kinds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The built-in rule kinds and each one's parameters: range, whole or not, default, meaning
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["RulesController_kinds"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/rules/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One rule
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["RulesController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a rule (admin, audited with before and after)
         * @description Access: staff with the role admin; not API keys. Others get 403.
         */
        patch: operations["RulesController_update"];
        trace?: never;
    };
    "/api/v1/rules/evaluate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a rule run (single-flight: returns the run already queued or running)
         * @description Access: staff with the role admin or supervisor; not API keys. Others get 403.
         */
        post: operations["RulesController_evaluate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/rules/backtest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Evaluate a draft rule for each day of a past period: alerts, learners flagged, daily workload
         * @description Access: staff with the role admin or supervisor; not API keys. Others get 403.
         */
        post: operations["RulesController_backtest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/rule-runs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A rule run: status, timings, alerts opened / refreshed / cleared
         * @description Access: staff with the role admin or supervisor; API keys with the scope read. Others get 403.
         */
        get: operations["RulesController_getRun"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/risk-model": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The learned risk model: its figures on held-out recent data against the rules at the same number of alerts, calibration, and the verdict
         * @description Access: staff with the role admin or supervisor; API keys with the scope read. Others get 403.
         */
        get: operations["RiskController_report"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/risk-model/train": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Train a new model now (runs in the worker; poll GET /risk-model). One attempt at a time: a second request returns the first
         * @description Access: staff with the role admin; not API keys. Others get 403.
         */
        post: operations["RiskController_train"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Alerts with their evidence and a plain summary, newest first (advisors: their learners)
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["AlertsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/alerts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One alert
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["AlertsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/alerts/{id}/feedback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Record your verdict on an alert (one per staff member; sending again updates it)
         * @description Access: any staff; not API keys. Others get 403.
         */
        post: operations["AlertsController_feedback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cohort-alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Courses where too many active learners are flagged (supervisors: their teams' courses)
         * @description Access: any staff; API keys with the scope read. Others get 403.
         */
        get: operations["AlertsController_listCohort"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        LoginDto: {
            /** @example admin@school.example */
            email: string;
            /** @example change-me-please */
            password: string;
        };
        StaffViewDto: {
            /**
             * Format: uuid
             * @example 5d1e8f7a-9b2c-4e3d-8a1f-6c7b9e0d2a34
             */
            id: string;
            /** @example li.wei@school.example */
            email: string;
            /** @example Li Wei */
            name: string;
            /** @enum {string} */
            role: "admin" | "supervisor" | "advisor";
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            teamId: string | null;
            /**
             * @description open cases this person can hold
             * @example 60
             */
            capacity: number;
            /**
             * @example [
             *       "programming"
             *     ]
             */
            skills: string[];
            /** @example Asia/Shanghai */
            timezone: string;
            /**
             * @description working hours per weekday, local to timezone
             * @example {
             *       "mon": [
             *         [
             *           "09:00",
             *           "12:00"
             *         ],
             *         [
             *           "13:30",
             *           "17:30"
             *         ]
             *       ],
             *       "tue": [
             *         [
             *           "09:00",
             *           "17:30"
             *         ]
             *       ]
             *     }
             */
            workingHours: {
                [key: string]: string[][];
            };
            /** @enum {string} */
            status: "active" | "away" | "inactive";
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            updatedAt: string;
        };
        LoginResultDto: {
            /**
             * @description send as `Authorization: Bearer <accessToken>`
             * @example eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI1ZDFlOGY3YSJ9.c2lnbmF0dXJl
             */
            accessToken: string;
            /**
             * @example Bearer
             * @enum {string}
             */
            tokenType: "Bearer";
            /**
             * @description seconds until the token expires
             * @example 3600
             */
            expiresIn: number;
            staff: components["schemas"]["StaffViewDto"];
        };
        MeDto: {
            /**
             * Format: uuid
             * @example 5d1e8f7a-9b2c-4e3d-8a1f-6c7b9e0d2a34
             */
            id: string;
            /** @example li.wei@school.example */
            email: string;
            /** @example Li Wei */
            name: string;
            /** @enum {string} */
            role: "admin" | "supervisor" | "advisor";
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            teamId: string | null;
            /**
             * @description open cases this person can hold
             * @example 60
             */
            capacity: number;
            /**
             * @example [
             *       "programming"
             *     ]
             */
            skills: string[];
            /** @example Asia/Shanghai */
            timezone: string;
            /**
             * @description working hours per weekday, local to timezone
             * @example {
             *       "mon": [
             *         [
             *           "09:00",
             *           "12:00"
             *         ],
             *         [
             *           "13:30",
             *           "17:30"
             *         ]
             *       ],
             *       "tue": [
             *         [
             *           "09:00",
             *           "17:30"
             *         ]
             *       ]
             *     }
             */
            workingHours: {
                [key: string]: string[][];
            };
            /** @enum {string} */
            status: "active" | "away" | "inactive";
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            updatedAt: string;
            /**
             * @description teams this person works in or supervises
             * @example [
             *       "3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01"
             *     ]
             */
            teamIds: string[];
        };
        CreateTeamDto: {
            /** @example Team North */
            name: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            supervisorId?: string;
        };
        TeamViewDto: {
            /**
             * Format: uuid
             * @example 0b5f6a52-3c2e-4d7e-9f55-2d7c1a9e4b10
             */
            id: string;
            /** @example Team North */
            name: string;
            /**
             * Format: uuid
             * @description the supervisor who receives escalations; null: escalations go to the admins
             * @example 7c3d9e21-5a4b-4f6e-8d2c-1b0a9f8e7d65
             */
            supervisorId: string | null;
            /**
             * @description the supervisor's name
             * @example Chen Jing
             */
            supervisorName: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
        };
        UpdateTeamDto: {
            /** @example Team North */
            name?: string;
            /**
             * Format: uuid
             * @description a supervisor (not inactive) who receives the team's escalations; null clears it (escalations then go to the admins)
             * @example 7c3d9e21-5a4b-4f6e-8d2c-1b0a9f8e7d65
             */
            supervisorId?: string | null;
            /**
             * @description why (kept in the audit log)
             * @example Chen Jing takes over the team
             */
            reason?: string;
        };
        BoardTeamDto: {
            /**
             * Format: uuid
             * @example 0b5f6a52-3c2e-4d7e-9f55-2d7c1a9e4b10
             */
            id: string;
            /** @example Team North */
            name: string;
            /**
             * Format: uuid
             * @description null: the team has no supervisor and escalates to the admins
             * @example 7c3d9e21-5a4b-4f6e-8d2c-1b0a9f8e7d65
             */
            supervisorId: string | null;
            /** @example Chen Jing */
            supervisorName: string | null;
        };
        BoardAdvisorDto: {
            /**
             * Format: uuid
             * @example 5d1e8f7a-9b2c-4e3d-8a1f-6c7b9e0d2a34
             */
            id: string;
            /** @example Li Wei */
            name: string;
            /** @example li.wei@school.example */
            email: string;
            /**
             * @description away: gets no new work
             * @enum {string}
             */
            status: "active" | "away" | "inactive";
            /**
             * @description open cases this advisor can hold
             * @example 60
             */
            capacity: number;
            /**
             * @description open and in-progress cases assigned to the advisor
             * @example 42
             */
            openCases: number;
            /**
             * @description tasks with an outcome logged today (school time zone)
             * @example 7
             */
            tasksDone: number;
            /**
             * @description scheduled tasks due later today
             * @example 5
             */
            tasksDue: number;
            /**
             * @description scheduled tasks due before now
             * @example 2
             */
            tasksOverdue: number;
        };
        RiskReasonDto: {
            /**
             * @example days_since_login
             * @enum {string}
             */
            feature: "days_since_login" | "pace_ratio" | "study_minutes_7d" | "study_change" | "late_assignments_30d" | "complaints_30d" | "stage_new" | "stage_near_expiry" | "days_enrolled" | "days_to_expiry" | "first_week_reached";
            /**
             * @description the feature value that raised the score
             * @example 12
             */
            value: number;
            /**
             * @description the reason in English (the console words it in the reader language)
             * @example no login for 12 days
             */
            text: string;
        };
        RiskScoreDto: {
            /**
             * @description chance of churning within 30 days, 0 to 1
             * @example 0.72
             */
            score: number;
            /** @description at most three, the strongest first */
            reasons: components["schemas"]["RiskReasonDto"][];
            /** @example 3 */
            modelVersion: number;
        };
        CaseViewDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            learnerId: string;
            /** @example stu-000123 */
            learnerExternalId: string;
            /** @example Wang Fang */
            learnerName: string;
            /**
             * Format: uuid
             * @description null while the case waits in the team pool
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            advisorId: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            teamId: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            courseId: string | null;
            /** @enum {string} */
            priority: "low" | "medium" | "high" | "urgent";
            /**
             * @description sort key behind priority (higher first)
             * @example 640
             */
            priorityScore: number;
            /** @enum {string} */
            status: "open" | "in_progress" | "resolved";
            /**
             * @description escalation: in the supervisors' queue
             * @enum {string}
             */
            queue: "advisor" | "escalation";
            /**
             * Format: date-time
             * @description first contact is due by then
             * @example 2026-11-25T08:00:00.000Z
             */
            dueAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            firstContactAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            escalatedAt: string | null;
            /**
             * Format: uuid
             * @description the supervisor it escalated to
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            escalatedTo: string | null;
            /**
             * @description every alert of the case has cleared
             * @example false
             */
            allAlertsCleared: boolean;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            allAlertsClearedAt: string | null;
            /** @example 2 */
            openAlerts: number;
            /**
             * @example [
             *       "inactive_7d",
             *       "study_time_drop"
             *     ]
             */
            ruleKeys: string[];
            /** @description learned churn risk of the case's enrolment, with its reasons (null: not scored) */
            riskScore: components["schemas"]["RiskScoreDto"] | null;
            /** @enum {string|null} */
            outcome: "retained" | "churned" | "unreachable" | "not_at_risk" | null;
            /** @enum {string|null} */
            churnReason: "expectation_gap" | "lack_of_support" | "content_mismatch" | "slow_service" | "life_circumstances" | "other" | null;
            resolutionNote: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            openedAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            assignedAt: string | null;
            /** @example continuity: learner owner */
            assignmentReason: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            resolvedAt: string | null;
            /** @description id of who resolved it */
            resolvedBy: string | null;
        };
        BoardCaseListDto: {
            /**
             * @description how many there are (the list holds at most 50)
             * @example 12
             */
            total: number;
            cases: components["schemas"]["CaseViewDto"][];
        };
        CohortAlertViewDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /** @example inactive_7d */
            ruleKey: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            courseId: string;
            /** @example Python from zero */
            courseTitle: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            teamId: string | null;
            /**
             * @description school day of the evaluation
             * @example 2026-11-25
             */
            day: string;
            /**
             * @description active enrolments of the course the rule fires for
             * @example 14
             */
            affected: number;
            /**
             * @description active enrolments of the course
             * @example 180
             */
            population: number;
            /**
             * @description affected ÷ population
             * @example 0.078
             */
            share: number;
            /** @example 0.05 */
            threshold: number;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
        };
        TeamBoardDto: {
            team: components["schemas"]["BoardTeamDto"];
            /**
             * Format: date
             * @description today in the school time zone: the day of the task figures
             * @example 2026-11-25
             */
            date: string;
            /** @description the team's advisors (not inactive), by name */
            advisors: components["schemas"]["BoardAdvisorDto"][];
            /** @description the team's unassigned pool, oldest first */
            unassigned: components["schemas"]["BoardCaseListDto"];
            /** @description open escalated cases of the team, most recently escalated first */
            escalated: components["schemas"]["BoardCaseListDto"];
            /** @description today's cohort alerts of the team's courses */
            cohortAlerts: components["schemas"]["CohortAlertViewDto"][];
        };
        CreateStaffDto: {
            /** @example li.wei@school.example */
            email: string;
            /** @example Li Wei */
            name: string;
            /** @example a long passphrase */
            password: string;
            /** @enum {string} */
            role: "admin" | "supervisor" | "advisor";
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            teamId?: string;
            /**
             * @description open cases this person can hold
             * @default 60
             * @example 60
             */
            capacity: number;
            /**
             * @example [
             *       "programming"
             *     ]
             */
            skills?: string[];
            /** @example Asia/Shanghai */
            timezone?: string;
            /**
             * @example {
             *       "mon": [
             *         [
             *           "09:00",
             *           "12:00"
             *         ],
             *         [
             *           "13:30",
             *           "17:30"
             *         ]
             *       ],
             *       "tue": [
             *         [
             *           "09:00",
             *           "17:30"
             *         ]
             *       ]
             *     }
             */
            workingHours?: Record<string, never>;
            /** @enum {string} */
            status?: "active" | "away" | "inactive";
        };
        StaffPageDto: {
            items: components["schemas"]["StaffViewDto"][];
            /**
             * @description pass as ?cursor= for the next page; null on the last page
             * @example WyIyMDI2LTExLTI1VDA4OjAwOjAwLjAwMFoiLCI5ZjFjIl0
             */
            nextCursor: string | null;
        };
        UpdateStaffDto: {
            /** @example li.wei@school.example */
            email?: string;
            /** @example Li Wei */
            name?: string;
            /** @example a new long passphrase */
            password?: string;
            /** @enum {string} */
            role?: "admin" | "supervisor" | "advisor";
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            teamId?: string;
            /** @example 45 */
            capacity?: number;
            /**
             * @example [
             *       "programming",
             *       "english"
             *     ]
             */
            skills?: string[];
            /** @example Asia/Shanghai */
            timezone?: string;
            /**
             * @example {
             *       "mon": [
             *         [
             *           "09:00",
             *           "12:00"
             *         ],
             *         [
             *           "13:30",
             *           "17:30"
             *         ]
             *       ],
             *       "tue": [
             *         [
             *           "09:00",
             *           "17:30"
             *         ]
             *       ]
             *     }
             */
            workingHours?: Record<string, never>;
            /** @enum {string} */
            status?: "active" | "away" | "inactive";
            /**
             * @description why (kept in the audit log)
             * @example moved to the evening shift
             */
            reason?: string;
        };
        QueueAlertDto: {
            /** @example inactive_7d */
            ruleKey: string;
            /** @enum {string} */
            severity: "low" | "medium" | "high";
        };
        QueueProgressDto: {
            /**
             * @description completed share, in percent
             * @example 25
             */
            percent: number;
            /**
             * @description share expected by now at the course pace, in percent
             * @example 40
             */
            expectedPercent: number;
        };
        QueueLearnerDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /** @example Wang Fang */
            name: string;
            /** @enum {string|null} */
            stage: "new" | "active" | "near_expiry" | "paused" | "completed" | "churned" | null;
            openAlerts: components["schemas"]["QueueAlertDto"][];
            /** @description learned churn risk of the enrolment the row is about, with its reasons (null: not scored) */
            riskScore: components["schemas"]["RiskScoreDto"] | null;
            /** @example stu-000123 */
            externalId: string;
            /** @example +86 138 0000 0000 */
            phone: string | null;
            /** @example Asia/Shanghai */
            timezone: string | null;
            /** @description of the enrolment the call is about */
            progress: components["schemas"]["QueueProgressDto"] | null;
        };
        QueueCaseRefDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /** @enum {string} */
            priority: "low" | "medium" | "high" | "urgent";
            /** @enum {string} */
            status: "open" | "in_progress" | "resolved";
        };
        LastOutcomeDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            taskId: string;
            /** @enum {string} */
            result: "reached" | "no_answer" | "voicemail" | "wrong_number" | "callback_requested" | "declined";
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            at: string;
        };
        QueueTaskDto: {
            /**
             * Format: uuid
             * @example 9b2e4c1a-6d3f-4a8b-b5e7-1c0d2f3a4b5c
             */
            id: string;
            /**
             * @example first_week_checkin
             * @enum {string}
             */
            kind: "first_week_checkin" | "care_call" | "advisor_contact" | "obstacle_call" | "escalation" | "survey" | "renewal_call" | "follow_up";
            /**
             * @description 1..7 for first-week check-ins
             * @example 1
             */
            dayIndex: number | null;
            /**
             * Format: date-time
             * @example 2026-11-26T02:00:00.000Z
             */
            dueAt: string;
            /**
             * @description call attempts so far
             * @example 0
             */
            attempts: number;
            /** @example false */
            overdue: boolean;
            learner: components["schemas"]["QueueLearnerDto"];
            case: components["schemas"]["QueueCaseRefDto"] | null;
            /** @description the learner's most recent call outcome */
            lastOutcome: components["schemas"]["LastOutcomeDto"] | null;
        };
        QueueCaseLearnerDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /** @example Wang Fang */
            name: string;
            /** @enum {string|null} */
            stage: "new" | "active" | "near_expiry" | "paused" | "completed" | "churned" | null;
            openAlerts: components["schemas"]["QueueAlertDto"][];
            /** @description learned churn risk of the enrolment the row is about, with its reasons (null: not scored) */
            riskScore: components["schemas"]["RiskScoreDto"] | null;
        };
        QueueCaseDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /** @enum {string} */
            priority: "low" | "medium" | "high" | "urgent";
            /** @enum {string} */
            status: "open" | "in_progress" | "resolved";
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            dueAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            openedAt: string;
            learner: components["schemas"]["QueueCaseLearnerDto"];
        };
        QueueCountsDto: {
            /** @example 9 */
            tasks: number;
            /** @example 2 */
            overdue: number;
            /** @example 7 */
            dueToday: number;
            /**
             * @description open cases without a scheduled task (all of them, not only the listed ones)
             * @example 4
             */
            cases: number;
            /** @example 3 */
            doneToday: number;
        };
        QueueViewDto: {
            /** @example 2026-11-26 */
            date: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            advisorId: string;
            /** @example Asia/Shanghai */
            timezone: string;
            /** @description overdue first, then by due time, then case priority */
            tasks: components["schemas"]["QueueTaskDto"][];
            /** @description open cases without a scheduled task */
            cases: components["schemas"]["QueueCaseDto"][];
            counts: components["schemas"]["QueueCountsDto"];
        };
        TaskListItemDto: {
            /**
             * Format: uuid
             * @example 9b2e4c1a-6d3f-4a8b-b5e7-1c0d2f3a4b5c
             */
            id: string;
            /**
             * @example first_week_checkin
             * @enum {string}
             */
            kind: "first_week_checkin" | "care_call" | "advisor_contact" | "obstacle_call" | "escalation" | "survey" | "renewal_call" | "follow_up";
            /**
             * @description 1..7 for first-week check-ins
             * @example 1
             */
            dayIndex: number | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            assigneeId: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            learnerId: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            enrollmentId: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            caseId: string | null;
            /**
             * Format: uuid
             * @description the task whose outcome asked for this follow-up
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            parentTaskId: string | null;
            /**
             * Format: date-time
             * @example 2026-11-26T02:00:00.000Z
             */
            dueAt: string;
            /**
             * Format: date-time
             * @description end of the slot for scheduled calls
             * @example 2026-11-25T08:00:00.000Z
             */
            windowEndAt: string | null;
            /** @example 15 */
            plannedMinutes: number;
            /** @enum {string} */
            status: "scheduled" | "done" | "missed" | "cancelled";
            /**
             * @description call attempts so far
             * @example 0
             */
            attempts: number;
            /** @enum {string|null} */
            result: "reached" | "no_answer" | "voicemail" | "wrong_number" | "callback_requested" | "declined" | null;
            /** @example 12 */
            durationMinutes: number | null;
            note: string | null;
            /** @enum {string|null} */
            riskRead: "low" | "medium" | "high" | null;
            /** @enum {string|null} */
            churnReason: "expectation_gap" | "lack_of_support" | "content_mismatch" | "slow_service" | "life_circumstances" | "other" | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            completedAt: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            completedBy: string | null;
            /** @example enrolment paused */
            cancelReason: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            updatedAt: string;
            /** @example 王小明 */
            learnerName: string;
            /** @example L-10042 */
            learnerExternalId: string;
        };
        TaskPageDto: {
            items: components["schemas"]["TaskListItemDto"][];
            /**
             * @description pass as ?cursor= for the next page; null on the last page
             * @example WyIyMDI2LTExLTI1VDA4OjAwOjAwLjAwMFoiLCI5ZjFjIl0
             */
            nextCursor: string | null;
        };
        ReassignTasksDto: {
            /**
             * @description the scheduled tasks to move (1–500)
             * @example [
             *       "3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01"
             *     ]
             */
            taskIds: string[];
            /**
             * Format: uuid
             * @description the receiver: an active advisor or supervisor of a team you supervise
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            assigneeId: string;
            /** @example advisor on leave until 12-01 */
            reason: string;
        };
        TaskMoveDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            taskId: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            fromAssigneeId: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            toAssigneeId: string;
        };
        TaskMoveResultDto: {
            /** @example 3 */
            moved: number;
            /** @description the tasks that changed hands (those already with the receiver are not listed) */
            items: components["schemas"]["TaskMoveDto"][];
        };
        TaskViewDto: {
            /**
             * Format: uuid
             * @example 9b2e4c1a-6d3f-4a8b-b5e7-1c0d2f3a4b5c
             */
            id: string;
            /**
             * @example first_week_checkin
             * @enum {string}
             */
            kind: "first_week_checkin" | "care_call" | "advisor_contact" | "obstacle_call" | "escalation" | "survey" | "renewal_call" | "follow_up";
            /**
             * @description 1..7 for first-week check-ins
             * @example 1
             */
            dayIndex: number | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            assigneeId: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            learnerId: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            enrollmentId: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            caseId: string | null;
            /**
             * Format: uuid
             * @description the task whose outcome asked for this follow-up
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            parentTaskId: string | null;
            /**
             * Format: date-time
             * @example 2026-11-26T02:00:00.000Z
             */
            dueAt: string;
            /**
             * Format: date-time
             * @description end of the slot for scheduled calls
             * @example 2026-11-25T08:00:00.000Z
             */
            windowEndAt: string | null;
            /** @example 15 */
            plannedMinutes: number;
            /** @enum {string} */
            status: "scheduled" | "done" | "missed" | "cancelled";
            /**
             * @description call attempts so far
             * @example 0
             */
            attempts: number;
            /** @enum {string|null} */
            result: "reached" | "no_answer" | "voicemail" | "wrong_number" | "callback_requested" | "declined" | null;
            /** @example 12 */
            durationMinutes: number | null;
            note: string | null;
            /** @enum {string|null} */
            riskRead: "low" | "medium" | "high" | null;
            /** @enum {string|null} */
            churnReason: "expectation_gap" | "lack_of_support" | "content_mismatch" | "slow_service" | "life_circumstances" | "other" | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            completedAt: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            completedBy: string | null;
            /** @example enrolment paused */
            cancelReason: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            updatedAt: string;
        };
        OutcomeDto: {
            /** @enum {string} */
            result: "reached" | "no_answer" | "voicemail" | "wrong_number" | "callback_requested" | "declined";
            /** @example 12 */
            durationMinutes?: number;
            /** @example Busy with a new job; agreed on 20 minutes a day on weekdays. */
            note?: string;
            /** @enum {string} */
            riskRead?: "low" | "medium" | "high";
            /** @enum {string} */
            churnReason?: "expectation_gap" | "lack_of_support" | "content_mismatch" | "slow_service" | "life_circumstances" | "other";
            /**
             * @description creates a follow_up task due then
             * @example 2026-12-01T02:00:00Z
             */
            followUpAt?: string;
        };
        OutcomeResultDto: {
            /**
             * Format: uuid
             * @example 9b2e4c1a-6d3f-4a8b-b5e7-1c0d2f3a4b5c
             */
            id: string;
            /**
             * @example first_week_checkin
             * @enum {string}
             */
            kind: "first_week_checkin" | "care_call" | "advisor_contact" | "obstacle_call" | "escalation" | "survey" | "renewal_call" | "follow_up";
            /**
             * @description 1..7 for first-week check-ins
             * @example 1
             */
            dayIndex: number | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            assigneeId: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            learnerId: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            enrollmentId: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            caseId: string | null;
            /**
             * Format: uuid
             * @description the task whose outcome asked for this follow-up
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            parentTaskId: string | null;
            /**
             * Format: date-time
             * @example 2026-11-26T02:00:00.000Z
             */
            dueAt: string;
            /**
             * Format: date-time
             * @description end of the slot for scheduled calls
             * @example 2026-11-25T08:00:00.000Z
             */
            windowEndAt: string | null;
            /** @example 15 */
            plannedMinutes: number;
            /** @enum {string} */
            status: "scheduled" | "done" | "missed" | "cancelled";
            /**
             * @description call attempts so far
             * @example 0
             */
            attempts: number;
            /** @enum {string|null} */
            result: "reached" | "no_answer" | "voicemail" | "wrong_number" | "callback_requested" | "declined" | null;
            /** @example 12 */
            durationMinutes: number | null;
            note: string | null;
            /** @enum {string|null} */
            riskRead: "low" | "medium" | "high" | null;
            /** @enum {string|null} */
            churnReason: "expectation_gap" | "lack_of_support" | "content_mismatch" | "slow_service" | "life_circumstances" | "other" | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            completedAt: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            completedBy: string | null;
            /** @example enrolment paused */
            cancelReason: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            updatedAt: string;
            /**
             * Format: uuid
             * @description the follow_up task created from followUpAt
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            followUpTaskId: string | null;
        };
        RescheduleDto: {
            /** @example 2026-12-01T02:00:00Z */
            dueAt: string;
            /** @example learner asked for the evening */
            reason?: string;
        };
        ReassignDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            assigneeId: string;
            /** @example advisor on leave until 12-01 */
            reason: string;
        };
        CreateWebhookDto: {
            /** @example https://school.example/careloop-hook */
            url: string;
            /**
             * @example [
             *       "learner.reminder"
             *     ]
             */
            events: ("alert.opened" | "alert.cleared" | "case.opened" | "case.assigned" | "case.escalated" | "case.resolved" | "task.due" | "learner.reminder" | "ticket.created" | "ticket.sla_warning" | "ticket.escalated" | "enrollment.created" | "enrollment.status_changed")[];
            /**
             * @description HMAC-SHA256 key for x-careloop-signature
             * @example whsec_9f8e7d6c5b4a3210
             */
            secret: string;
            /**
             * @description consecutive failed deliveries before the webhook is disabled
             * @default 10
             * @example 10
             */
            disableAfterFailures: number;
        };
        WebhookViewDto: {
            /**
             * Format: uuid
             * @example b7a6c5d4-e3f2-4a1b-9c8d-7e6f5a4b3c2d
             */
            id: string;
            /** @example https://school.example/careloop-hook */
            url: string;
            /**
             * @example [
             *       "learner.reminder"
             *     ]
             */
            events: ("alert.opened" | "alert.cleared" | "case.opened" | "case.assigned" | "case.escalated" | "case.resolved" | "task.due" | "learner.reminder" | "ticket.created" | "ticket.sla_warning" | "ticket.escalated" | "enrollment.created" | "enrollment.status_changed")[];
            /** @example true */
            enabled: boolean;
            /** @example 0 */
            consecutiveFailures: number;
            /** @example 10 */
            disableAfterFailures: number;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            disabledAt: string | null;
            /** @example 10 consecutive failed deliveries */
            disabledReason: string | null;
            /**
             * @description the last characters of the secret; the secret itself is never shown
             * @example …f00d
             */
            secretHint: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            updatedAt: string;
        };
        UpdateWebhookDto: {
            /** @example https://school.example/careloop-hook */
            url?: string;
            events?: ("alert.opened" | "alert.cleared" | "case.opened" | "case.assigned" | "case.escalated" | "case.resolved" | "task.due" | "learner.reminder" | "ticket.created" | "ticket.sla_warning" | "ticket.escalated" | "enrollment.created" | "enrollment.status_changed")[];
            /** @example whsec_0a1b2c3d4e5f6789 */
            secret?: string;
            /**
             * @description true re-enables a disabled webhook (and resets its failure count)
             * @example true
             */
            enabled?: boolean;
            /** @example 20 */
            disableAfterFailures?: number;
        };
        DeliveryAttemptDto: {
            /** @example 1 */
            attempt: number;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            at: string;
            /** @example 502 */
            statusCode: number | null;
            /** @example HTTP 502 */
            error: string | null;
            /** @example 180 */
            durationMs: number;
        };
        DeliveryViewDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            webhookId: string;
            /**
             * @description id of the outbox event delivered
             * @example 81234
             */
            eventId: string;
            /**
             * @example learner.reminder
             * @enum {string}
             */
            eventType: "alert.opened" | "alert.cleared" | "case.opened" | "case.assigned" | "case.escalated" | "case.resolved" | "task.due" | "learner.reminder" | "ticket.created" | "ticket.sla_warning" | "ticket.escalated" | "enrollment.created" | "enrollment.status_changed";
            /** @enum {string} */
            status: "pending" | "delivered" | "failed" | "skipped";
            /** @example 2 */
            attempts: number;
            /** @example 200 */
            lastStatusCode: number | null;
            lastError: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            deliveredAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
            attemptLog: components["schemas"]["DeliveryAttemptDto"][];
        };
        DeliveryPageDto: {
            items: components["schemas"]["DeliveryViewDto"][];
            /**
             * @description pass as ?cursor= for the next page; null on the last page
             * @example WyIyMDI2LTExLTI1VDA4OjAwOjAwLjAwMFoiLCI5ZjFjIl0
             */
            nextCursor: string | null;
        };
        RedeliverDto: {
            /**
             * @description why (kept in the audit log)
             * @example receiver was down for maintenance
             */
            reason?: string;
        };
        RedeliveryDto: {
            /** @description the delivery, pending again */
            delivery: components["schemas"]["DeliveryViewDto"];
            /**
             * @description false when the delivery was still pending (on its way): nothing new was queued
             * @example true
             */
            queued: boolean;
        };
        CasePageDto: {
            items: components["schemas"]["CaseViewDto"][];
            /**
             * @description pass as ?cursor= for the next page; null on the last page
             * @example WyIyMDI2LTExLTI1VDA4OjAwOjAwLjAwMFoiLCI5ZjFjIl0
             */
            nextCursor: string | null;
        };
        ReassignCasesDto: {
            /**
             * @description the cases to move (or give fromAdvisorId)
             * @example [
             *       "3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01"
             *     ]
             */
            caseIds?: string[];
            /**
             * Format: uuid
             * @description move every open case of this advisor (e.g. away)
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            fromAdvisorId?: string;
            /**
             * Format: uuid
             * @description target advisor; omitted: each case goes through the assignment policy
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            toAdvisorId?: string;
            /**
             * @description why (kept in the audit log)
             * @example advisor on leave until 12-01
             */
            reason: string;
        };
        CaseMoveDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            caseId: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            fromAdvisorId: string | null;
            /**
             * Format: uuid
             * @description null: went to the team pool
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            toAdvisorId: string | null;
            /** @example advisor on leave */
            reason: string;
        };
        CaseMoveResultDto: {
            /** @example 12 */
            moved: number;
            /**
             * @description cases nobody could take, left in the team pool
             * @example 1
             */
            pooled: number;
            items: components["schemas"]["CaseMoveDto"][];
        };
        CaseAlertDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /** @example inactive_7d */
            ruleKey: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            learnerId: string;
            /** @example stu-000123 */
            learnerExternalId: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            enrollmentId: string | null;
            /** @enum {string} */
            status: "open" | "cleared";
            /** @enum {string} */
            severity: "low" | "medium" | "high";
            /**
             * @example {
             *       "inactiveDays": 9,
             *       "thresholdDays": 7,
             *       "lastLoginAt": "2026-11-16T01:12:00.000Z"
             *     }
             */
            evidence: {
                [key: string]: unknown;
            };
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            openedAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            clearedAt: string | null;
            /**
             * Format: date-time
             * @description when the alert joined this case
             * @example 2026-11-25T08:00:00.000Z
             */
            attachedAt: string | null;
        };
        CaseTaskDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /** @example care_call */
            kind: string;
            /** @description 1..7 for first-week check-ins */
            dayIndex: number | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            assigneeId: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            learnerId: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            caseId: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            dueAt: string | null;
            /** @enum {string} */
            status: "scheduled" | "done" | "missed" | "cancelled";
            /** @example reached */
            result: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            completedAt: string | null;
        };
        CaseHistoryDto: {
            /** @example 1024 */
            id: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            at: string | null;
            /** @enum {string} */
            actorType: "staff" | "api_client" | "system";
            actorId: string | null;
            /** @example case.assigned */
            action: string;
            before: {
                [key: string]: unknown;
            } | null;
            after: {
                [key: string]: unknown;
            } | null;
            reason: string | null;
        };
        CaseDetailDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            learnerId: string;
            /** @example stu-000123 */
            learnerExternalId: string;
            /** @example Wang Fang */
            learnerName: string;
            /**
             * Format: uuid
             * @description null while the case waits in the team pool
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            advisorId: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            teamId: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            courseId: string | null;
            /** @enum {string} */
            priority: "low" | "medium" | "high" | "urgent";
            /**
             * @description sort key behind priority (higher first)
             * @example 640
             */
            priorityScore: number;
            /** @enum {string} */
            status: "open" | "in_progress" | "resolved";
            /**
             * @description escalation: in the supervisors' queue
             * @enum {string}
             */
            queue: "advisor" | "escalation";
            /**
             * Format: date-time
             * @description first contact is due by then
             * @example 2026-11-25T08:00:00.000Z
             */
            dueAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            firstContactAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            escalatedAt: string | null;
            /**
             * Format: uuid
             * @description the supervisor it escalated to
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            escalatedTo: string | null;
            /**
             * @description every alert of the case has cleared
             * @example false
             */
            allAlertsCleared: boolean;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            allAlertsClearedAt: string | null;
            /** @example 2 */
            openAlerts: number;
            /**
             * @example [
             *       "inactive_7d",
             *       "study_time_drop"
             *     ]
             */
            ruleKeys: string[];
            /** @description learned churn risk of the case's enrolment, with its reasons (null: not scored) */
            riskScore: components["schemas"]["RiskScoreDto"] | null;
            /** @enum {string|null} */
            outcome: "retained" | "churned" | "unreachable" | "not_at_risk" | null;
            /** @enum {string|null} */
            churnReason: "expectation_gap" | "lack_of_support" | "content_mismatch" | "slow_service" | "life_circumstances" | "other" | null;
            resolutionNote: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            openedAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            assignedAt: string | null;
            /** @example continuity: learner owner */
            assignmentReason: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            resolvedAt: string | null;
            /** @description id of who resolved it */
            resolvedBy: string | null;
            /** @description the alerts of the case with their evidence */
            alerts: components["schemas"]["CaseAlertDto"][];
            tasks: components["schemas"]["CaseTaskDto"][];
            /** @description audit entries of the case, oldest first */
            history: components["schemas"]["CaseHistoryDto"][];
        };
        AssignCaseDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            advisorId: string;
            /**
             * @description why (kept in the audit log)
             * @example speaks the learner's dialect
             */
            reason: string;
        };
        ResolveCaseDto: {
            /** @enum {string} */
            outcome: "retained" | "churned" | "unreachable" | "not_at_risk";
            /**
             * @description required when outcome is churned
             * @enum {string}
             */
            churnReason?: "expectation_gap" | "lack_of_support" | "content_mismatch" | "slow_service" | "life_circumstances" | "other";
            /** @example Back on track after a schedule change; two lessons this week. */
            note?: string;
        };
        RescheduleCaseDto: {
            /** @example 2026-11-26T09:00:00Z */
            dueAt: string;
            /** @example learner travelling until Thursday */
            reason: string;
        };
        CreateApiClientDto: {
            /** @example LMS sync */
            name: string;
            /**
             * @example [
             *       "sync:write",
             *       "read"
             *     ]
             */
            scopes: ("sync:write" | "read")[];
        };
        ApiClientCreatedDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /** @example LMS sync */
            name: string;
            /**
             * @example [
             *       "sync:write",
             *       "read"
             *     ]
             */
            scopes: ("sync:write" | "read")[];
            /**
             * @description the first characters of the key, to tell keys apart
             * @example cl_Xk3f
             */
            keyPrefix: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            lastUsedAt: string | null;
            /**
             * Format: date-time
             * @description set once revoked; the key no longer works
             * @example 2026-11-25T08:00:00.000Z
             */
            revokedAt: string | null;
            /**
             * @description the API key: shown in this response only, store it now
             * @example cl_Xk3fQ0m9yZ2d8l1VbT7wR4sN6uJ5hC0aE9gK2pL3oI8
             */
            key: string;
        };
        ApiClientViewDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /** @example LMS sync */
            name: string;
            /**
             * @example [
             *       "sync:write",
             *       "read"
             *     ]
             */
            scopes: ("sync:write" | "read")[];
            /**
             * @description the first characters of the key, to tell keys apart
             * @example cl_Xk3f
             */
            keyPrefix: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            lastUsedAt: string | null;
            /**
             * Format: date-time
             * @description set once revoked; the key no longer works
             * @example 2026-11-25T08:00:00.000Z
             */
            revokedAt: string | null;
        };
        AuditEntryDto: {
            /** @example 1024 */
            id: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            at: string;
            /**
             * @example staff
             * @enum {string}
             */
            actorType: "staff" | "api_client" | "system";
            /** @example 5d1e8f7a-9b2c-4e3d-8a1f-6c7b9e0d2a34 */
            actorId: string | null;
            /** @example case.assigned */
            action: string;
            /**
             * @example case
             * @enum {string}
             */
            entity: "case" | "task" | "ticket" | "rule" | "staff" | "team" | "api_client" | "alert" | "webhook" | "calendar" | "sla_policy" | "enrollment";
            /** @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01 */
            entityId: string;
            /** @description the record before the change (null on creation) */
            before: {
                [key: string]: unknown;
            } | null;
            /** @description the record after the change */
            after: {
                [key: string]: unknown;
            } | null;
            /** @example advisor on leave */
            reason: string | null;
        };
        AuditPageDto: {
            items: components["schemas"]["AuditEntryDto"][];
            /**
             * @description pass as ?cursor= for the next page; null on the last page
             * @example WyIyMDI2LTExLTI1VDA4OjAwOjAwLjAwMFoiLCI5ZjFjIl0
             */
            nextCursor: string | null;
        };
        LiveDto: {
            /**
             * @example ok
             * @enum {string}
             */
            status: "ok";
        };
        ReadyDto: {
            /**
             * @example ok
             * @enum {string}
             */
            status: "ok";
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       },
             *       "redis": {
             *         "status": "up"
             *       }
             *     }
             */
            checks: {
                [key: string]: {
                    /** @example up */
                    status?: string;
                };
            };
        };
        CourseSyncItemDto: {
            /** @example course-101 */
            externalId: string;
            /** @example Python from zero */
            title: string;
            /** @example 48 */
            totalLessons: number;
            /** @example 180 */
            durationDays: number;
            /** @example programming */
            category?: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            teamId?: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            updatedAt?: string;
        };
        CourseSyncBodyDto: {
            items: components["schemas"]["CourseSyncItemDto"][];
        };
        FieldErrorDto: {
            /** @example items.3.enrolledAt */
            field: string;
            /** @example must be an ISO-8601 date-time */
            message: string;
        };
        SyncResultDto: {
            /**
             * @description position of the item in the request
             * @example 0
             */
            index: number;
            /**
             * @description careloop id of the record; for events the eventId; for rejected items the externalId or eventId sent (null if none)
             * @example 4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d
             */
            id: string | null;
            /**
             * @description stale: older than the stored updatedAt, ignored; duplicate: event id seen before
             * @example created
             * @enum {string}
             */
            status: "created" | "updated" | "unchanged" | "stale" | "duplicate" | "rejected";
            /** @description why the item was rejected */
            errors?: components["schemas"]["FieldErrorDto"][];
        };
        SyncSummaryDto: {
            /** @example 2 */
            created: number;
            /** @example 1 */
            updated: number;
            /** @example 0 */
            unchanged: number;
            /** @example 0 */
            stale: number;
            /** @example 0 */
            duplicate: number;
            /** @example 1 */
            rejected: number;
        };
        SyncReplyDto: {
            /** @description one per item, in request order */
            results: components["schemas"]["SyncResultDto"][];
            /** @description how many items ended in each status */
            summary: components["schemas"]["SyncSummaryDto"];
        };
        LearnerSyncItemDto: {
            /** @example stu-000123 */
            externalId: string;
            /** @example Wang Fang */
            name: string;
            /** @example +86 138 0000 0000 */
            phone?: string;
            /** @example wang.fang@example.com */
            email?: string;
            /** @example Asia/Shanghai */
            timezone?: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            updatedAt?: string;
        };
        LearnerSyncBodyDto: {
            items: components["schemas"]["LearnerSyncItemDto"][];
        };
        EnrollmentSyncItemDto: {
            /** @example enr-555 */
            externalId: string;
            /** @example stu-000123 */
            learnerExternalId: string;
            /** @example course-101 */
            courseExternalId: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            enrolledAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            expiresAt?: string;
            /** @enum {string} */
            status: "active" | "paused" | "completed" | "cancelled" | "expired";
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            updatedAt?: string;
        };
        EnrollmentSyncBodyDto: {
            items: components["schemas"]["EnrollmentSyncItemDto"][];
        };
        EventSyncItemDto: {
            /** @example evt-9f2c */
            eventId: string;
            /** @example stu-000123 */
            learnerExternalId: string;
            /**
             * @description required except for login and complaint (learner-level events)
             * @example course-101
             */
            courseExternalId?: string;
            /** @enum {string} */
            type: "login" | "lesson_completed" | "study_session" | "assignment_assigned" | "assignment_submitted" | "complaint" | "renewal";
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            occurredAt: string;
            /**
             * @description study_session {minutes}; lesson_completed {lessonId}; assignment_assigned {assignmentId, dueAt}; assignment_submitted {assignmentId, dueAt, submittedAt}
             * @example {
             *       "minutes": 35
             *     }
             */
            data?: Record<string, never>;
        };
        EventSyncBodyDto: {
            items: components["schemas"]["EventSyncItemDto"][];
        };
        LearnerOwnerDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /** @example Li Wei */
            name: string;
        };
        LearnerSummaryDto: {
            /**
             * Format: uuid
             * @example 4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d
             */
            id: string;
            /** @example stu-000123 */
            externalId: string;
            /** @example Wang Fang */
            name: string;
            /** @example +86 138 0000 0000 */
            phone: string | null;
            /** @example wang.fang@example.com */
            email: string | null;
            /** @example Asia/Shanghai */
            timezone: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            ownerAdvisorId: string | null;
            owner: components["schemas"]["LearnerOwnerDto"] | null;
            /**
             * @description in the holdout group: alerts but no interventions
             * @example false
             */
            holdout: boolean;
            /**
             * @description stage of the most relevant enrolment
             * @enum {string|null}
             */
            stage: "new" | "active" | "near_expiry" | "paused" | "completed" | "churned" | null;
            /**
             * @description highest severity of open alerts (none: low)
             * @enum {string}
             */
            risk: "low" | "medium" | "high";
            /** @description learned churn risk of the riskiest scored enrolment, with its reasons (null: no active model) */
            riskScore: components["schemas"]["RiskScoreDto"] | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            lastLoginAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            updatedAt: string;
        };
        LearnerPageDto: {
            items: components["schemas"]["LearnerSummaryDto"][];
            /**
             * @description pass as ?cursor= for the next page; null on the last page
             * @example WyIyMDI2LTExLTI1VDA4OjAwOjAwLjAwMFoiLCI5ZjFjIl0
             */
            nextCursor: string | null;
        };
        ProgressDto: {
            /** @example 12 */
            completedLessons: number;
            /** @example 48 */
            totalLessons: number;
            /**
             * @description completed share, in percent
             * @example 25
             */
            percent: number;
            /**
             * @description share expected by now at the course pace, in percent
             * @example 40
             */
            expectedPercent: number;
        };
        LearnerEnrollmentDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /** @example enr-555 */
            externalId: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            courseId: string;
            /** @example course-101 */
            courseExternalId: string;
            /** @example Python from zero */
            courseTitle: string;
            /** @enum {string} */
            status: "active" | "paused" | "completed" | "cancelled" | "expired";
            /** @enum {string} */
            stage: "new" | "active" | "near_expiry" | "paused" | "completed" | "churned";
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            enrolledAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            expiresAt: string | null;
            /** @example false */
            holdout: boolean;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            lastLoginAt: string | null;
            progress: components["schemas"]["ProgressDto"];
        };
        LearnerOpenAlertDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /** @example inactive_7d */
            ruleKey: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            learnerId: string;
            /** @example stu-000123 */
            learnerExternalId: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            enrollmentId: string;
            /** @enum {string} */
            severity: "low" | "medium" | "high";
            /** @enum {string} */
            status: "open";
            /**
             * @example {
             *       "inactiveDays": 9,
             *       "thresholdDays": 7
             *     }
             */
            evidence: {
                [key: string]: unknown;
            };
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            openedAt: string;
        };
        WeeklyMinutesDto: {
            /**
             * @description Monday of the week (school time zone)
             * @example 2026-11-23
             */
            weekStart: string;
            /** @example 135 */
            minutes: number;
        };
        SlaStatusDto: {
            /**
             * @description null when no SLA policy applies
             * @enum {string|null}
             */
            firstResponse: "on_track" | "warning" | "breached" | "met" | null;
            /** @enum {string|null} */
            resolution: "on_track" | "warning" | "breached" | "met" | null;
        };
        TicketViewDto: {
            /**
             * Format: uuid
             * @example e7d5c3b1-2a4f-4e6d-8c0b-9a1f3e5d7c2b
             */
            id: string;
            /**
             * @description id in the source system
             * @example zendesk-88123
             */
            externalId: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            learnerId: string;
            /** @example stu-000123 */
            learnerExternalId: string;
            /** @example Wang Fang */
            learnerName: string;
            /** @enum {string} */
            category: "technical" | "learning" | "account" | "billing" | "complaint";
            /** @enum {string} */
            priority: "low" | "medium" | "high" | "urgent";
            /** @example 视频无法播放 */
            subject: string;
            /** @example 第三课的视频一直在加载。 */
            body: string;
            /** @enum {string} */
            status: "new" | "open" | "pending" | "resolved" | "closed";
            /**
             * Format: uuid
             * @description null: in the team pool
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            assigneeId: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            teamId: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            slaPolicyId: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            updatedAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            firstResponseDueAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            firstRespondedAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            resolutionDueAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            resolvedAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            closedAt: string | null;
            /**
             * Format: date-time
             * @description set while the resolution clock is stopped (pending on the learner)
             * @example 2026-11-25T08:00:00.000Z
             */
            slaPausedSince: string | null;
            /**
             * @description business minutes the resolution clock was paused
             * @example 0
             */
            pausedBusinessMinutes: number;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            escalatedAt: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            escalatedToId: string | null;
            slaStatus: components["schemas"]["SlaStatusDto"];
        };
        LearnerDetailDto: {
            /**
             * Format: uuid
             * @example 4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d
             */
            id: string;
            /** @example stu-000123 */
            externalId: string;
            /** @example Wang Fang */
            name: string;
            /** @example +86 138 0000 0000 */
            phone: string | null;
            /** @example wang.fang@example.com */
            email: string | null;
            /** @example Asia/Shanghai */
            timezone: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            ownerAdvisorId: string | null;
            owner: components["schemas"]["LearnerOwnerDto"] | null;
            /**
             * @description in the holdout group: alerts but no interventions
             * @example false
             */
            holdout: boolean;
            /**
             * @description stage of the most relevant enrolment
             * @enum {string|null}
             */
            stage: "new" | "active" | "near_expiry" | "paused" | "completed" | "churned" | null;
            /**
             * @description highest severity of open alerts (none: low)
             * @enum {string}
             */
            risk: "low" | "medium" | "high";
            /** @description learned churn risk of the riskiest scored enrolment, with its reasons (null: no active model) */
            riskScore: components["schemas"]["RiskScoreDto"] | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            lastLoginAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            updatedAt: string;
            enrollments: components["schemas"]["LearnerEnrollmentDto"][];
            openAlerts: components["schemas"]["LearnerOpenAlertDto"][];
            /** @description the last 8 weeks, oldest first */
            weeklyStudyMinutes: components["schemas"]["WeeklyMinutesDto"][];
            openTickets: components["schemas"]["TicketViewDto"][];
        };
        TimelineItemDto: {
            /** @enum {string} */
            kind: "event" | "alert" | "task" | "ticket";
            /**
             * @description event id, or the alert, task or ticket id
             * @example evt-9f2c
             */
            id: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            at: string;
            /**
             * @description event type, rule key, task kind or ticket category
             * @example login
             */
            type: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            enrollmentId: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            courseId: string | null;
            /**
             * @description event data, or the alert/task/ticket state
             * @example {
             *       "minutes": 35
             *     }
             */
            detail: {
                [key: string]: unknown;
            } | null;
        };
        TimelinePageDto: {
            items: components["schemas"]["TimelineItemDto"][];
            /**
             * @description pass as ?cursor= for the next page; null on the last page
             * @example WyIyMDI2LTExLTI1VDA4OjAwOjAwLjAwMFoiLCI5ZjFjIl0
             */
            nextCursor: string | null;
        };
        CurvePointDto: {
            /** @example 4 */
            week: number;
            /**
             * @description enrolments observed for at least this many weeks
             * @example 350
             */
            enrolments: number;
            /**
             * @description share still active
             * @example 0.82
             */
            activeShare: number | null;
        };
        CohortReportDto: {
            /** @example 420 */
            enrolments: number;
            /**
             * @description enrolments at least 30 days old (the 30-day denominator)
             * @example 380
             */
            mature30: number;
            /** @example 61 */
            churned30: number;
            /** @example 0.160526 */
            churnRate30: number | null;
            /** @example 300 */
            mature60: number;
            /** @example 66 */
            churned60: number;
            /** @example 0.22 */
            churnRate60: number | null;
            /** @example 240 */
            mature90: number;
            /** @example 62 */
            churned90: number;
            /** @example 0.258333 */
            churnRate90: number | null;
            /** @example 70 */
            churnedToDate: number;
            /** @example 40 */
            renewed: number;
            /**
             * @description enrolments whose renewal came due
             * @example 95
             */
            renewalDue: number;
            /** @example 0.421053 */
            renewalRate: number | null;
            /**
             * @description month (YYYY-MM) or week (YYYY-MM-DD, its Monday); "total" for the total row
             * @example 2026-09
             */
            cohort: string;
            curve: components["schemas"]["CurvePointDto"][];
        };
        CourseRetentionDto: {
            /** @example 420 */
            enrolments: number;
            /**
             * @description enrolments at least 30 days old (the 30-day denominator)
             * @example 380
             */
            mature30: number;
            /** @example 61 */
            churned30: number;
            /** @example 0.160526 */
            churnRate30: number | null;
            /** @example 300 */
            mature60: number;
            /** @example 66 */
            churned60: number;
            /** @example 0.22 */
            churnRate60: number | null;
            /** @example 240 */
            mature90: number;
            /** @example 62 */
            churned90: number;
            /** @example 0.258333 */
            churnRate90: number | null;
            /** @example 70 */
            churnedToDate: number;
            /** @example 40 */
            renewed: number;
            /**
             * @description enrolments whose renewal came due
             * @example 95
             */
            renewalDue: number;
            /** @example 0.421053 */
            renewalRate: number | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            courseId: string;
            /** @example Python from zero */
            courseTitle: string;
        };
        RetentionReportDto: {
            /**
             * Format: date-time
             * @description outcomes are computed as of this time
             * @example 2026-11-25T08:00:00.000Z
             */
            asOf: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            refreshedAt: string | null;
            /** @enum {string} */
            cohortBy: "week" | "month";
            /** @example 30 */
            churnInactiveDays: number | null;
            /** @example 2026-01-01 */
            from: string | null;
            /** @example 2026-03-31 */
            to: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            courseId: string | null;
            cohorts: components["schemas"]["CohortReportDto"][];
            /** @description all cohorts together (cohort "total") */
            total: components["schemas"]["CohortReportDto"];
            byCourse: components["schemas"]["CourseRetentionDto"][];
        };
        CoverageDto: {
            /**
             * @description treated enrolments past their first week
             * @example 300
             */
            eligible: number;
            /**
             * @description with at least 5 of 7 check-ins reached
             * @example 240
             */
            covered: number;
            /** @example 0.8 */
            share: number | null;
        };
        ChurnFiguresDto: {
            /** @example 420 */
            enrolments: number;
            /**
             * @description enrolments at least 30 days old (the 30-day denominator)
             * @example 380
             */
            mature30: number;
            /** @example 61 */
            churned30: number;
            /** @example 0.160526 */
            churnRate30: number | null;
            /** @example 300 */
            mature60: number;
            /** @example 66 */
            churned60: number;
            /** @example 0.22 */
            churnRate60: number | null;
            /** @example 240 */
            mature90: number;
            /** @example 62 */
            churned90: number;
            /** @example 0.258333 */
            churnRate90: number | null;
        };
        FirstWeekGroupsDto: {
            covered: components["schemas"]["ChurnFiguresDto"];
            notCovered: components["schemas"]["ChurnFiguresDto"];
            holdout: components["schemas"]["ChurnFiguresDto"];
        };
        UpliftDto: {
            /**
             * @description churn(holdout) − churn(treated): positive means the calls keep learners
             * @example 0.12
             */
            difference: number | null;
            /**
             * @description unpooled standard error of the difference, for reference; the interval does not use it
             * @example 0.04
             */
            standardError: number | null;
            /**
             * @description 95% confidence interval (Newcombe's hybrid score interval), low end
             * @example 0.04
             */
            ciLow: number | null;
            /** @example 0.2 */
            ciHigh: number | null;
            /** @example 30 */
            horizonDays: number;
            /** @example 120 */
            holdoutN: number;
            /** @example 1080 */
            treatedN: number;
            /** @example 40 */
            holdoutChurned: number;
            /** @example 230 */
            treatedChurned: number;
            /** @example 0.333333 */
            holdoutChurn: number | null;
            /** @example 0.212963 */
            treatedChurn: number | null;
            /**
             * @description both groups are large enough and the interval excludes zero
             * @example true
             */
            conclusive: boolean;
            /** @example Interventions reduce 30-day churn by 12.0 points (95% CI 4.0 points to 20.0 points; holdout n=120, treated n=1080). */
            verdict: string;
        };
        CourseFirstWeekDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            courseId: string;
            /** @example Python from zero */
            courseTitle: string;
            coverage: components["schemas"]["CoverageDto"];
            groups: components["schemas"]["FirstWeekGroupsDto"];
            uplift: components["schemas"]["UpliftDto"];
        };
        FirstWeekReportDto: {
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            asOf: string | null;
            /**
             * @example 30
             * @enum {number}
             */
            horizonDays: 30 | 60 | 90;
            /** @example 2026-01-01 */
            from: string | null;
            /** @example 2026-03-31 */
            to: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            courseId: string | null;
            coverage: components["schemas"]["CoverageDto"];
            /**
             * @description enrolments still in their first week (in no group yet)
             * @example 35
             */
            inFirstWeek: number;
            groups: components["schemas"]["FirstWeekGroupsDto"];
            uplift: components["schemas"]["UpliftDto"];
            byCourse: components["schemas"]["CourseFirstWeekDto"][];
        };
        FeedbackCountsReportDto: {
            /** @example 12 */
            useful: number;
            /** @example 3 */
            not_useful: number;
            /** @example 1 */
            incorrect: number;
        };
        RuleQualityDto: {
            /** @example inactive_7d */
            ruleKey: string;
            /** @example No login for 7 days */
            name: string;
            /** @example true */
            enabled: boolean;
            /** @example 210 */
            alerts: number;
            /** @example 190 */
            alertedEnrolments: number;
            /**
             * @description alerted enrolments whose first alert is at least 30 days old
             * @example 150
             */
            precisionN: number;
            /** @example 48 */
            churnedWithin30: number;
            /**
             * @description share of alerted enrolments that churned within 30 days
             * @example 0.32
             */
            precision: number | null;
            /**
             * @description churned enrolments in the period
             * @example 90
             */
            recallN: number;
            /** @example 63 */
            alertedBeforeChurn: number;
            /**
             * @description share of churned enrolments alerted beforehand
             * @example 0.7
             */
            recall: number | null;
            /**
             * @description days from first alert to churn
             * @example 11
             */
            medianLeadDays: number | null;
            feedback: components["schemas"]["FeedbackCountsReportDto"];
        };
        RulesReportDto: {
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            asOf: string | null;
            /** @example 2026-01-01 */
            from: string | null;
            /** @example 2026-03-31 */
            to: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            courseId: string | null;
            /** @example 90 */
            churnedEnrolments: number;
            rules: components["schemas"]["RuleQualityDto"][];
        };
        ChurnReasonShareDto: {
            /** @enum {string} */
            reason: "expectation_gap" | "lack_of_support" | "content_mismatch" | "slow_service" | "life_circumstances" | "other";
            /** @example 14 */
            count: number;
            /** @example 0.35 */
            share: number | null;
            /**
             * @description recorded when resolving cases
             * @example 9
             */
            fromCases: number;
            /**
             * @description recorded with call outcomes
             * @example 5
             */
            fromCalls: number;
        };
        ChurnReasonsReportDto: {
            /** @example 2026-01-01 */
            from: string | null;
            /** @example 2026-03-31 */
            to: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            courseId: string | null;
            /** @example 40 */
            total: number;
            reasons: components["schemas"]["ChurnReasonShareDto"][];
        };
        AdvisorOutcomesDto: {
            /** @example 20 */
            retained: number;
            /** @example 4 */
            churned: number;
            /** @example 3 */
            unreachable: number;
            /** @example 6 */
            not_at_risk: number;
        };
        AdvisorFiguresDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            advisorId: string;
            /** @example Li Wei */
            name: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            teamId: string | null;
            /** @enum {string} */
            status: "active" | "away" | "inactive";
            /** @example 18 */
            openCases: number;
            /** @example 140 */
            tasksDone: number;
            /** @example 3 */
            tasksOverdue: number;
            /** @example 96 */
            callsReached: number;
            /** @example 185 */
            medianFirstContactMinutes: number | null;
            /**
             * @description cases with a first contact in the period
             * @example 33
             */
            firstContactN: number;
            outcomes: components["schemas"]["AdvisorOutcomesDto"];
        };
        AdvisorsReportDto: {
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            asOf: string;
            /** @example 2026-01-01 */
            from: string | null;
            /** @example 2026-03-31 */
            to: string | null;
            advisors: components["schemas"]["AdvisorFiguresDto"][];
        };
        SlaClockFiguresDto: {
            /**
             * @description tickets with a measured duration
             * @example 180
             */
            measured: number;
            /**
             * @description business minutes
             * @example 42
             */
            p50Minutes: number | null;
            /** @example 210 */
            p90Minutes: number | null;
            /** @example 160 */
            met: number;
            /** @example 20 */
            breached: number;
            /**
             * @description not done yet and still within target
             * @example 12
             */
            open: number;
            /**
             * @description met ÷ (met + breached)
             * @example 0.888889
             */
            compliance: number | null;
        };
        TicketGroupFiguresDto: {
            /** @example 192 */
            tickets: number;
            firstResponse: components["schemas"]["SlaClockFiguresDto"];
            resolution: components["schemas"]["SlaClockFiguresDto"];
        };
        TicketCategoryFiguresDto: {
            /** @example 192 */
            tickets: number;
            firstResponse: components["schemas"]["SlaClockFiguresDto"];
            resolution: components["schemas"]["SlaClockFiguresDto"];
            /** @example technical */
            category: string;
        };
        TicketPriorityFiguresDto: {
            /** @example 192 */
            tickets: number;
            firstResponse: components["schemas"]["SlaClockFiguresDto"];
            resolution: components["schemas"]["SlaClockFiguresDto"];
            /** @example high */
            priority: string;
        };
        TicketsReportDto: {
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            asOf: string;
            /**
             * Format: date-time
             * @description when business-minute durations were last computed
             * @example 2026-11-25T08:00:00.000Z
             */
            durationsAsOf: string | null;
            /**
             * @description tickets changed since durationsAsOf
             * @example 0
             */
            staleDurations: number;
            /** @example 2026-01-01 */
            from: string | null;
            /** @example 2026-03-31 */
            to: string | null;
            overall: components["schemas"]["TicketGroupFiguresDto"];
            byCategory: components["schemas"]["TicketCategoryFiguresDto"][];
            byPriority: components["schemas"]["TicketPriorityFiguresDto"][];
        };
        AnalyticsStatusDto: {
            /**
             * Format: date-time
             * @description outcomes are computed as of this time
             * @example 2026-11-25T08:00:00.000Z
             */
            asOf: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            refreshedAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            requestedAt: string | null;
            /**
             * @description a refresh was requested after the last one finished
             * @example false
             */
            pending: boolean;
            /** @example 3000 */
            enrollments: number;
            /**
             * @description outcomes the last refresh changed
             * @example 41
             */
            changed: number;
            /** @example 640 */
            durationMs: number | null;
            /** @example 30 */
            churnInactiveDays: number | null;
        };
        RefreshAcceptedDto: {
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            requestedAt: string;
            /** @enum {string} */
            status: "queued";
        };
        CreateTicketDto: {
            /**
             * Format: uuid
             * @description the learner (or give learnerExternalId)
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            learnerId?: string;
            /**
             * @description the learner's id in the learning platform
             * @example stu-000123
             */
            learnerExternalId?: string;
            /**
             * @description ticket id in the source system; repeating it returns the same ticket
             * @example zendesk-88123
             */
            externalId?: string;
            /** @enum {string} */
            category: "technical" | "learning" | "account" | "billing" | "complaint";
            /**
             * @default medium
             * @enum {string}
             */
            priority: "low" | "medium" | "high" | "urgent";
            /** @example 视频无法播放 */
            subject: string;
            /** @example 第三课的视频一直在加载，换了浏览器也不行。 */
            body: string;
        };
        TicketPageDto: {
            items: components["schemas"]["TicketViewDto"][];
            /**
             * @description pass as ?cursor= for the next page; null on the last page
             * @example WyIyMDI2LTExLTI1VDA4OjAwOjAwLjAwMFoiLCI5ZjFjIl0
             */
            nextCursor: string | null;
        };
        TicketMessageDto: {
            /** @example f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b */
            id: string;
            /** @enum {string} */
            authorType: "staff" | "learner" | "system";
            authorId: string | null;
            /** @example 请先清除浏览器缓存再试一次。 */
            body: string;
            /**
             * @description internal notes are never shown to integrations
             * @example false
             */
            internal: boolean;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            kbArticleId: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
        };
        KbSuggestionDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /** @example 如何重置密码 */
            title: string;
            /**
             * @example [
             *       "account"
             *     ]
             */
            tags: string[];
            /**
             * @description match score against the ticket text
             * @example 1.2
             */
            score: number;
            /**
             * @description times it answered tickets of this category
             * @example 5
             */
            uses: number;
        };
        TicketDetailDto: {
            /**
             * Format: uuid
             * @example e7d5c3b1-2a4f-4e6d-8c0b-9a1f3e5d7c2b
             */
            id: string;
            /**
             * @description id in the source system
             * @example zendesk-88123
             */
            externalId: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            learnerId: string;
            /** @example stu-000123 */
            learnerExternalId: string;
            /** @example Wang Fang */
            learnerName: string;
            /** @enum {string} */
            category: "technical" | "learning" | "account" | "billing" | "complaint";
            /** @enum {string} */
            priority: "low" | "medium" | "high" | "urgent";
            /** @example 视频无法播放 */
            subject: string;
            /** @example 第三课的视频一直在加载。 */
            body: string;
            /** @enum {string} */
            status: "new" | "open" | "pending" | "resolved" | "closed";
            /**
             * Format: uuid
             * @description null: in the team pool
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            assigneeId: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            teamId: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            slaPolicyId: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            updatedAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            firstResponseDueAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            firstRespondedAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            resolutionDueAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            resolvedAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            closedAt: string | null;
            /**
             * Format: date-time
             * @description set while the resolution clock is stopped (pending on the learner)
             * @example 2026-11-25T08:00:00.000Z
             */
            slaPausedSince: string | null;
            /**
             * @description business minutes the resolution clock was paused
             * @example 0
             */
            pausedBusinessMinutes: number;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            escalatedAt: string | null;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            escalatedToId: string | null;
            slaStatus: components["schemas"]["SlaStatusDto"];
            /** @description oldest first */
            messages: components["schemas"]["TicketMessageDto"][];
            /** @description knowledge-base articles that may answer it */
            suggestedArticles: components["schemas"]["KbSuggestionDto"][];
        };
        AddMessageDto: {
            /**
             * @description required unless kbArticleId is given
             * @example 请先清除浏览器缓存再试一次。
             */
            body?: string;
            /**
             * @description internal note (staff only), not shown to the learner
             * @default false
             * @example false
             */
            internal: boolean;
            /**
             * @description staff: pending = waiting on the learner (pauses the resolution clock)
             * @enum {string}
             */
            status?: "open" | "pending" | "resolved";
            /**
             * Format: uuid
             * @description staff: answer with this knowledge-base article (recorded)
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            kbArticleId?: string;
            /**
             * @description integrations: message id in the source system (replays change nothing)
             * @example zendesk-msg-4411
             */
            externalId?: string;
        };
        UpdateTicketDto: {
            /** @enum {string} */
            category?: "technical" | "learning" | "account" | "billing" | "complaint";
            /** @enum {string} */
            priority?: "low" | "medium" | "high" | "urgent";
            /** @example 视频无法播放（第三课） */
            subject?: string;
            /** @enum {string} */
            status?: "open" | "pending" | "closed";
            /**
             * @description why (kept in the audit log)
             * @example billing question, not technical
             */
            reason?: string;
        };
        ResolveTicketDto: {
            /**
             * @description internal resolution note
             * @example cache issue; fixed after clearing it
             */
            note?: string;
        };
        AssignTicketDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            assigneeId: string;
            /**
             * @description why (kept in the audit log)
             * @example billing specialist
             */
            reason: string;
        };
        ReassignTicketsDto: {
            /**
             * @description the tickets to move (or give fromAssigneeId)
             * @example [
             *       "3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01"
             *     ]
             */
            ticketIds?: string[];
            /**
             * Format: uuid
             * @description move every open ticket of this person (e.g. someone away)
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            fromAssigneeId?: string;
            /**
             * Format: uuid
             * @description receiver; without it each ticket goes through the assignment policy (or the pool)
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            toAssigneeId?: string;
            /** @example advisor on leave until 12-01 */
            reason: string;
        };
        TicketListDto: {
            /** @description the tickets moved, as they are now */
            items: components["schemas"]["TicketViewDto"][];
        };
        TicketRouteViewDto: {
            /** @enum {string} */
            category: "technical" | "learning" | "account" | "billing" | "complaint";
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            teamId: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            updatedAt: string;
        };
        TicketRouteDto: {
            /** @enum {string} */
            category: "technical" | "learning" | "account" | "billing" | "complaint";
            /**
             * Format: uuid
             * @description null removes the route
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            teamId: string | null;
        };
        PutTicketRoutesDto: {
            routes: components["schemas"]["TicketRouteDto"][];
        };
        CreateKbArticleDto: {
            /** @example 如何重置密码 */
            title: string;
            /** @example 在登录页点击“忘记密码”，按短信验证码设置新密码。 */
            body: string;
            /**
             * @example [
             *       "account",
             *       "密码"
             *     ]
             */
            tags?: string[];
        };
        KbArticleViewDto: {
            /**
             * Format: uuid
             * @example a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d
             */
            id: string;
            /** @example 如何重置密码 */
            title: string;
            /** @example 在登录页点击“忘记密码”，按短信验证码设置新密码。 */
            body: string;
            /**
             * @example [
             *       "account",
             *       "密码"
             *     ]
             */
            tags: string[];
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            createdBy: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            updatedAt: string;
            /**
             * @description times used as a ticket reply (in the searched category when one is given)
             * @example 7
             */
            uses?: number;
            /**
             * @description match score of a text search
             * @example 1.732
             */
            score?: number;
        };
        KbArticlePageDto: {
            items: components["schemas"]["KbArticleViewDto"][];
            /**
             * @description pass as ?cursor= for the next page; null on the last page
             * @example WyIyMDI2LTExLTI1VDA4OjAwOjAwLjAwMFoiLCI5ZjFjIl0
             */
            nextCursor: string | null;
        };
        KbArticleDetailDto: {
            /**
             * Format: uuid
             * @example a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d
             */
            id: string;
            /** @example 如何重置密码 */
            title: string;
            /** @example 在登录页点击“忘记密码”，按短信验证码设置新密码。 */
            body: string;
            /**
             * @example [
             *       "account",
             *       "密码"
             *     ]
             */
            tags: string[];
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            createdBy: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            updatedAt: string;
            /**
             * @description times used as a ticket reply (in the searched category when one is given)
             * @example 7
             */
            uses?: number;
            /**
             * @description match score of a text search
             * @example 1.732
             */
            score?: number;
            /**
             * @description ticket replies per ticket category
             * @example {
             *       "account": 5,
             *       "technical": 2
             *     }
             */
            usesByCategory: {
                [key: string]: number;
            };
        };
        UpdateKbArticleDto: {
            /** @example 如何重置密码 */
            title?: string;
            /** @example 在登录页点击“忘记密码”，按短信验证码设置新密码。 */
            body?: string;
            /**
             * @example [
             *       "account",
             *       "密码"
             *     ]
             */
            tags?: string[];
        };
        CreateCalendarDto: {
            /**
             * @description add official public holidays: cn = mainland China (days off and make-up working days, from the State Council notices); needs years
             * @enum {string}
             */
            preset?: "cn";
            /**
             * @description the years of the preset to add; a year the data does not hold yet answers 400 naming it
             * @example [
             *       2026
             *     ]
             */
            years?: number[];
            /** @example Beijing support */
            name: string;
            /**
             * @description default SCHOOL_TIMEZONE
             * @example Asia/Shanghai
             */
            timezone?: string;
            /**
             * @description business hours per weekday; several intervals a day for split shifts
             * @example {
             *       "mon": [
             *         [
             *           "09:00",
             *           "12:00"
             *         ],
             *         [
             *           "13:30",
             *           "17:30"
             *         ]
             *       ],
             *       "tue": [
             *         [
             *           "09:00",
             *           "12:00"
             *         ],
             *         [
             *           "13:30",
             *           "17:30"
             *         ]
             *       ],
             *       "wed": [
             *         [
             *           "09:00",
             *           "12:00"
             *         ],
             *         [
             *           "13:30",
             *           "17:30"
             *         ]
             *       ],
             *       "thu": [
             *         [
             *           "09:00",
             *           "12:00"
             *         ],
             *         [
             *           "13:30",
             *           "17:30"
             *         ]
             *       ],
             *       "fri": [
             *         [
             *           "09:00",
             *           "12:00"
             *         ],
             *         [
             *           "13:30",
             *           "17:30"
             *         ]
             *       ]
             *     }
             */
            hours: Record<string, never>;
            /**
             * @example [
             *       "2026-10-01"
             *     ]
             */
            holidays?: string[];
            /**
             * @description make-up working days (weekend dates worked)
             * @example [
             *       "2026-10-10"
             *     ]
             */
            workdays?: string[];
            /**
             * @description whose hours make-up days use
             * @default mon
             * @enum {string}
             */
            makeUpHoursFrom: "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
        };
        CalendarViewDto: {
            /**
             * Format: uuid
             * @example c0ffee00-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /** @example Beijing support */
            name: string;
            /** @example Asia/Shanghai */
            timezone: string;
            /**
             * @description business hours per weekday
             * @example {
             *       "mon": [
             *         [
             *           "09:00",
             *           "12:00"
             *         ],
             *         [
             *           "13:30",
             *           "17:30"
             *         ]
             *       ],
             *       "tue": [
             *         [
             *           "09:00",
             *           "12:00"
             *         ],
             *         [
             *           "13:30",
             *           "17:30"
             *         ]
             *       ],
             *       "wed": [
             *         [
             *           "09:00",
             *           "12:00"
             *         ],
             *         [
             *           "13:30",
             *           "17:30"
             *         ]
             *       ],
             *       "thu": [
             *         [
             *           "09:00",
             *           "12:00"
             *         ],
             *         [
             *           "13:30",
             *           "17:30"
             *         ]
             *       ],
             *       "fri": [
             *         [
             *           "09:00",
             *           "12:00"
             *         ],
             *         [
             *           "13:30",
             *           "17:30"
             *         ]
             *       ]
             *     }
             */
            hours: {
                [key: string]: string[][];
            };
            /**
             * @example [
             *       "2026-10-01",
             *       "2026-10-02"
             *     ]
             */
            holidays: string[];
            /**
             * @description make-up working days on a weekend
             * @example [
             *       "2026-10-10"
             *     ]
             */
            workdays: string[];
            /**
             * @description whose hours make-up days use
             * @example mon
             * @enum {string}
             */
            makeUpHoursFrom: "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            updatedAt: string;
        };
        UpdateCalendarDto: {
            /**
             * @description add official public holidays: cn = mainland China (days off and make-up working days, from the State Council notices); needs years
             * @enum {string}
             */
            preset?: "cn";
            /**
             * @description the years of the preset to add; a year the data does not hold yet answers 400 naming it
             * @example [
             *       2026
             *     ]
             */
            years?: number[];
            /** @example Beijing support */
            name?: string;
            /** @example Asia/Shanghai */
            timezone?: string;
            /**
             * @example {
             *       "mon": [
             *         [
             *           "09:00",
             *           "12:00"
             *         ],
             *         [
             *           "13:30",
             *           "17:30"
             *         ]
             *       ],
             *       "tue": [
             *         [
             *           "09:00",
             *           "12:00"
             *         ],
             *         [
             *           "13:30",
             *           "17:30"
             *         ]
             *       ],
             *       "wed": [
             *         [
             *           "09:00",
             *           "12:00"
             *         ],
             *         [
             *           "13:30",
             *           "17:30"
             *         ]
             *       ],
             *       "thu": [
             *         [
             *           "09:00",
             *           "12:00"
             *         ],
             *         [
             *           "13:30",
             *           "17:30"
             *         ]
             *       ],
             *       "fri": [
             *         [
             *           "09:00",
             *           "12:00"
             *         ],
             *         [
             *           "13:30",
             *           "17:30"
             *         ]
             *       ]
             *     }
             */
            hours?: Record<string, never>;
            /**
             * @example [
             *       "2026-10-01",
             *       "2026-10-02"
             *     ]
             */
            holidays?: string[];
            /**
             * @example [
             *       "2026-10-10"
             *     ]
             */
            workdays?: string[];
            /** @enum {string} */
            makeUpHoursFrom?: "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
        };
        SlaMatchDto: {
            /** @enum {string} */
            category?: "technical" | "learning" | "account" | "billing" | "complaint";
            /** @enum {string} */
            priority?: "low" | "medium" | "high" | "urgent";
        };
        CreateSlaPolicyDto: {
            /** @example Urgent */
            name: string;
            /**
             * @description lower positions are tried first
             * @example 10
             */
            position: number;
            /** @description empty matches every ticket */
            match?: components["schemas"]["SlaMatchDto"];
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            calendarId: string;
            /**
             * @description business minutes
             * @example 30
             */
            firstResponseMinutes: number;
            /**
             * @description business minutes
             * @example 240
             */
            resolutionMinutes: number;
        };
        SlaPolicyViewDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /** @example Urgent */
            name: string;
            /**
             * @description lower positions are tried first
             * @example 10
             */
            position: number;
            /**
             * @description empty matches every ticket
             * @example {
             *       "priority": "urgent"
             *     }
             */
            match: components["schemas"]["SlaMatchDto"];
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            calendarId: string;
            /**
             * @description business minutes
             * @example 30
             */
            firstResponseMinutes: number;
            /**
             * @description business minutes
             * @example 240
             */
            resolutionMinutes: number;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            updatedAt: string;
        };
        UpdateSlaPolicyDto: {
            /** @example Urgent */
            name?: string;
            /** @example 5 */
            position?: number;
            match?: components["schemas"]["SlaMatchDto"];
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            calendarId?: string;
            /** @example 20 */
            firstResponseMinutes?: number;
            /** @example 180 */
            resolutionMinutes?: number;
        };
        RuleApplyCountsDto: {
            /**
             * @description enrolments the rule fires for
             * @example 42
             */
            firing: number;
            /** @example 5 */
            opened: number;
            /** @example 37 */
            refreshed: number;
            /** @example 2 */
            cleared: number;
            /** @example 120 */
            ms: number;
        };
        RuleActionDto: {
            /**
             * @description kind of the task each alert creates
             * @example care_call
             */
            taskKind: string;
            /**
             * @description the task is due this many hours after the alert
             * @example 24
             */
            dueWithinHours: number;
        };
        RuleViewDto: {
            /** @example inactive_7d */
            key: string;
            /** @example No login for 7 days */
            name: string;
            /**
             * @example inactive_days
             * @enum {string}
             */
            kind: "inactive_days" | "low_completion" | "late_assignments" | "complaints" | "study_time_drop" | "risk_score";
            /**
             * @description the numbers of the kind
             * @example {
             *       "days": 7
             *     }
             */
            params: {
                [key: string]: number;
            };
            /** @example No login for 7 days, counted from the later of the last login and the enrolment (active enrolments only). */
            description: string;
            /** @enum {string} */
            severity: "low" | "medium" | "high";
            action: components["schemas"]["RuleActionDto"];
            /**
             * @description share of a course's active enrolments that raises a cohort alert
             * @example 0.05
             */
            cohortThreshold: number | null;
            /** @example true */
            enabled: boolean;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            updatedAt: string;
        };
        RuleParamSpecDto: {
            /** @example days */
            name: string;
            /**
             * @description whole numbers only
             * @example true
             */
            integer: boolean;
            /** @example 1 */
            min: number;
            /** @example 365 */
            max: number;
            /**
             * @description the value must be above min (ratios above zero)
             * @example false
             */
            minExclusive: boolean;
            /**
             * @description taken when the parameter is left out
             * @example 7
             */
            default: number;
            /** @example days without a login, counted from max(last login, enrolment) */
            meaning: string;
        };
        RuleKindDto: {
            /** @enum {string} */
            kind: "inactive_days" | "low_completion" | "late_assignments" | "complaints" | "study_time_drop" | "risk_score";
            params: components["schemas"]["RuleParamSpecDto"][];
        };
        RuleActionBodyDto: {
            /**
             * @example care_call
             * @enum {string}
             */
            taskKind: "care_call" | "advisor_contact" | "obstacle_call" | "escalation" | "survey" | "renewal_call";
            /** @example 24 */
            dueWithinHours: number;
        };
        CreateRuleDto: {
            /**
             * @description lowercase letters, digits and _
             * @example inactive_10d
             */
            key: string;
            /** @example No login for 10 days */
            name: string;
            /** @enum {string} */
            kind: "inactive_days" | "low_completion" | "late_assignments" | "complaints" | "study_time_drop" | "risk_score";
            /**
             * @description validated per kind; missing parameters take the kind defaults
             * @example {
             *       "days": 10
             *     }
             */
            params?: {
                [key: string]: number;
            };
            /** @enum {string} */
            severity: "low" | "medium" | "high";
            /**
             * @example {
             *       "taskKind": "care_call",
             *       "dueWithinHours": 24
             *     }
             */
            action: components["schemas"]["RuleActionBodyDto"];
            /**
             * @description cohort alert when this share of a course's active enrolments fire
             * @example 0.05
             */
            cohortThreshold?: number | null;
            /**
             * @default true
             * @example true
             */
            enabled: boolean;
        };
        UpdateRuleDto: {
            /** @example No login for 10 days */
            name?: string;
            /**
             * @description merged into the current parameters, then validated
             * @example {
             *       "days": 10
             *     }
             */
            params?: {
                [key: string]: number;
            };
            /** @enum {string} */
            severity?: "low" | "medium" | "high";
            /**
             * @example {
             *       "taskKind": "care_call",
             *       "dueWithinHours": 24
             *     }
             */
            action?: components["schemas"]["RuleActionBodyDto"];
            /** @example 0.08 */
            cohortThreshold?: number | null;
            /** @example false */
            enabled?: boolean;
            /**
             * @description why (kept in the audit log)
             * @example too many alerts in exam weeks
             */
            reason?: string;
        };
        EvaluateRulesDto: {
            /**
             * @description evaluate as of this time (default now); a past time is for admins only, at most 7 days back
             * @example 2026-11-25T08:00:00Z
             */
            asOf?: string;
        };
        RunAcceptedDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            runId: string;
        };
        DraftRuleDto: {
            /** @enum {string} */
            kind: "inactive_days" | "low_completion" | "late_assignments" | "complaints" | "study_time_drop" | "risk_score";
            /**
             * @example {
             *       "days": 10
             *     }
             */
            params?: {
                [key: string]: number;
            };
            /** @example inactive_10d */
            key?: string;
            /** @example No login for 10 days */
            name?: string;
            /** @enum {string} */
            severity?: "low" | "medium" | "high";
            /**
             * @example {
             *       "taskKind": "care_call",
             *       "dueWithinHours": 24
             *     }
             */
            action?: components["schemas"]["RuleActionBodyDto"];
            /** @example 0.05 */
            cohortThreshold?: number | null;
            /** @example true */
            enabled?: boolean;
        };
        BacktestDto: {
            /** @description a draft rule (not saved); only kind and params matter */
            rule: components["schemas"]["DraftRuleDto"];
            /**
             * @description first school day evaluated
             * @example 2026-08-01
             */
            from: string;
            /**
             * @description last school day evaluated (at most 366 days after from)
             * @example 2026-10-29
             */
            to: string;
            /**
             * Format: uuid
             * @description only this course's enrolments
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            courseId?: string;
        };
        BacktestRuleDto: {
            /**
             * @example inactive_days
             * @enum {string}
             */
            kind: "inactive_days" | "low_completion" | "late_assignments" | "complaints" | "study_time_drop" | "risk_score";
            /**
             * @description the parameters used, defaults filled in
             * @example {
             *       "days": 10
             *     }
             */
            params: {
                [key: string]: number;
            };
        };
        BacktestDayDto: {
            /** @example 2026-10-01 */
            day: string;
            /**
             * @description enrolments the rule fires for at the end of the day (open alerts)
             * @example 40
             */
            firing: number;
            /**
             * @description alerts that would have opened that day: the daily workload
             * @example 6
             */
            opened: number;
            /** @example 3 */
            cleared: number;
        };
        BacktestTotalsDto: {
            /** @example 310 */
            alertsOpened: number;
            /**
             * @description alerts already open when the period starts
             * @example 35
             */
            openAtStart: number;
            /** @example 240 */
            distinctLearners: number;
            /** @example 262 */
            distinctEnrollments: number;
            /** @example 3.44 */
            avgDailyWorkload: number;
            /** @example 11 */
            maxDailyWorkload: number;
            /** @example 58 */
            peakFiring: number;
        };
        AlertQualityDto: {
            /**
             * Format: date-time
             * @description outcomes used (last analytics refresh); null before the first refresh
             * @example 2026-11-25T08:00:00.000Z
             */
            asOf: string | null;
            /** @example 262 */
            alertedEnrolments: number;
            /**
             * @description flagged enrolments whose first flag is at least 30 days before asOf
             * @example 200
             */
            precisionN: number;
            /** @example 58 */
            churnedWithin30: number;
            /**
             * @description share of flagged enrolments that churned within 30 days
             * @example 0.29
             */
            precision: number | null;
            /**
             * @description enrolments that churned in the period
             * @example 80
             */
            recallN: number;
            /** @example 52 */
            alertedBeforeChurn: number;
            /**
             * @description share of churned enrolments flagged before they churned
             * @example 0.65
             */
            recall: number | null;
            /** @example 9 */
            medianLeadDays: number | null;
        };
        BacktestResultDto: {
            rule: components["schemas"]["BacktestRuleDto"];
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            courseId: string | null;
            /** @example 2026-08-01 */
            from: string;
            /** @example 2026-10-29 */
            to: string;
            /** @example Asia/Shanghai */
            timezone: string;
            days: components["schemas"]["BacktestDayDto"][];
            totals: components["schemas"]["BacktestTotalsDto"];
            /** @description how well the draft would have predicted churn (GET /analytics/rules definitions) */
            quality: components["schemas"]["AlertQualityDto"];
            /** @example 1200 */
            elapsedMs: number;
        };
        RunCohortCountsDto: {
            /** @example 1 */
            opened: number;
            /** @example 0 */
            updated: number;
        };
        RunStatsDto: {
            /** @description per rule key */
            rules?: {
                [key: string]: components["schemas"]["RuleApplyCountsDto"];
            };
            cohortAlerts?: components["schemas"]["RunCohortCountsDto"];
            /** @example 850 */
            durationMs?: number;
        };
        RuleRunViewDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /** @enum {string} */
            status: "queued" | "running" | "completed" | "failed";
            /** @enum {string} */
            trigger: "schedule" | "manual";
            /**
             * Format: date-time
             * @description the moment evaluated
             * @example 2026-11-25T08:00:00.000Z
             */
            asOf: string;
            /** @description staff id, or null for the schedule */
            requestedBy: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            queuedAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            startedAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            finishedAt: string | null;
            /** @example 850 */
            durationMs: number | null;
            /** @example 5 */
            alertsOpened: number;
            /** @example 37 */
            alertsRefreshed: number;
            /** @example 2 */
            alertsCleared: number;
            error: string | null;
            stats: components["schemas"]["RunStatsDto"] | null;
        };
        RiskShortfallDto: {
            /**
             * @description history: too few days; training: too few labelled enrolments or churners; test: too small a test set
             * @enum {string}
             */
            code: "history" | "training" | "test";
            /** @example 84 */
            minDays?: number;
            /** @example 143 */
            enrollments?: number;
            /** @example 12 */
            churned?: number;
            /** @example 200 */
            minEnrollments?: number;
            /** @example 20 */
            minChurned?: number;
            /** @example 31 */
            rows?: number;
            /** @example 50 */
            minRows?: number;
        };
        RiskAttemptDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /** @example 3 */
            version: number;
            /** @enum {string} */
            status: "queued" | "training" | "ready" | "insufficient" | "failed";
            /** @enum {string} */
            trigger: "schedule" | "manual";
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            requestedAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            startedAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            finishedAt: string | null;
            /**
             * @description why the attempt produced no model
             * @example null
             */
            message: string | null;
            /** @description insufficient: what there was and what a model needs, as figures */
            shortfall: components["schemas"]["RiskShortfallDto"] | null;
        };
        PeriodDto: {
            /**
             * Format: date
             * @example 2026-09-07
             */
            from: string;
            /**
             * Format: date
             * @example 2026-10-26
             */
            to: string;
        };
        TrainingDto: {
            /**
             * @description enrolment-days trained on
             * @example 9120
             */
            rows: number;
            /** @example 2210 */
            enrollments: number;
            /** @example 1004 */
            churnedRows: number;
            /** @example 640 */
            churnedEnrollments: number;
            /** @example 7 */
            iterations: number;
            converged: boolean;
            /**
             * @description L2 penalty on the standardised coefficients
             * @example 1
             */
            lambda: number;
            /** @example 1830 */
            durationMs: number;
            /**
             * @description where the training time went, in ms
             * @example {
             *       "refreshMs": 900,
             *       "featuresMs": 600,
             *       "fitMs": 120,
             *       "evaluateMs": 200
             *     }
             */
            phases: {
                [key: string]: number;
            };
        };
        RiskFeatureDto: {
            /** @enum {string} */
            key: "days_since_login" | "pace_ratio" | "study_minutes_7d" | "study_change" | "late_assignments_30d" | "complaints_30d" | "stage_new" | "stage_near_expiry" | "days_enrolled" | "days_to_expiry" | "first_week_reached";
            /** @example days since the last day with a login (up to 60; never logged in: days since enrolment) */
            meaning: string;
            /** @example 4.2 */
            mean: number;
            /** @example 5.1 */
            sd: number;
            /**
             * @description per standard deviation of the feature; above 0 raises the risk
             * @example 0.93
             */
            coefficient: number;
        };
        AtBudgetDto: {
            /**
             * @description rows flagged (alerts)
             * @example 410
             */
            flagged: number;
            /**
             * @description flagged rows that churned within 30 days
             * @example 180
             */
            hits: number;
            /** @example 0.44 */
            precision: number | null;
            /** @example 0.58 */
            recall: number | null;
            /**
             * @description ROC AUC on the test rows
             * @example 0.81
             */
            auc: number | null;
        };
        RulesAtBudgetDto: {
            /**
             * @description rows flagged (alerts)
             * @example 410
             */
            flagged: number;
            /**
             * @description flagged rows that churned within 30 days
             * @example 180
             */
            hits: number;
            /** @example 0.44 */
            precision: number | null;
            /** @example 0.58 */
            recall: number | null;
            /**
             * @description ROC AUC on the test rows
             * @example 0.81
             */
            auc: number | null;
            /**
             * @description the enabled rules compared (risk_score excluded)
             * @example [
             *       "inactive_7d",
             *       "low_completion"
             *     ]
             */
            ruleKeys: string[];
        };
        CalibrationBinDto: {
            /**
             * @description 1 = the tenth of rows with the lowest scores
             * @example 10
             */
            decile: number;
            /** @example 120 */
            n: number;
            /**
             * @description mean predicted chance
             * @example 0.62
             */
            predicted: number;
            /**
             * @description share that churned
             * @example 0.58
             */
            observed: number;
        };
        VerdictDto: {
            /** @enum {string} */
            kind: "model_better" | "rules_as_good" | "rules_better" | "no_rule_alerts";
            /**
             * @description (model hits − rule hits) ÷ rule hits at the same number of alerts
             * @example 0.31
             */
            moreFound: number | null;
            /** @example The model finds 31% more of the learners who churned at the same workload (236 against 180 of 410 alerts). */
            text: string;
        };
        EvaluationDto: {
            /** @example 30 */
            horizonDays: number;
            /**
             * @description held-out enrolment-days (the test period; none of their learners is in training)
             * @example 3100
             */
            rows: number;
            /** @example 310 */
            churned: number;
            /** @example 0.1 */
            baseRate: number;
            /**
             * @description alerts compared at: the rows the rules flagged in the test period
             * @example 410
             */
            budget: number;
            model: components["schemas"]["AtBudgetDto"];
            rules: components["schemas"]["RulesAtBudgetDto"];
            calibration: components["schemas"]["CalibrationBinDto"][];
            verdict: components["schemas"]["VerdictDto"];
        };
        RiskModelDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /** @example 3 */
            version: number;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            trainedAt: string;
            /**
             * Format: date-time
             * @description the outcomes it learned from were known as of this time
             * @example 2026-11-25T08:00:00.000Z
             */
            asOf: string;
            /** @description snapshot days trained on */
            trainingWindow: components["schemas"]["PeriodDto"];
            /** @description snapshot days tested on */
            testPeriod: components["schemas"]["PeriodDto"];
            training: components["schemas"]["TrainingDto"];
            /** @example -2.1 */
            intercept: number;
            features: components["schemas"]["RiskFeatureDto"][];
            evaluation: components["schemas"]["EvaluationDto"];
        };
        RiskReportDto: {
            /**
             * @description the latest attempt; none before the first
             * @enum {string}
             */
            status: "queued" | "training" | "ready" | "insufficient" | "failed" | "none";
            /** @description why there is no model, or why the latest attempt did not replace it */
            message: string | null;
            latest?: components["schemas"]["RiskAttemptDto"] | null;
            /** @description the active model */
            model: components["schemas"]["RiskModelDto"] | null;
        };
        RiskTrainAcceptedDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            id: string;
            /** @example 3 */
            version: number;
            /** @enum {string} */
            status: "queued" | "training" | "ready" | "insufficient" | "failed";
            /** @enum {string} */
            trigger: "schedule" | "manual";
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            requestedAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            startedAt: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            finishedAt: string | null;
            /**
             * @description why the attempt produced no model
             * @example null
             */
            message: string | null;
            /** @description insufficient: what there was and what a model needs, as figures */
            shortfall: components["schemas"]["RiskShortfallDto"] | null;
            /** @description false: an attempt was already queued or training, and this is it */
            created: boolean;
        };
        FeedbackCountsDto: {
            /** @example 3 */
            useful: number;
            /** @example 1 */
            not_useful: number;
            /** @example 0 */
            incorrect: number;
        };
        AlertViewDto: {
            /**
             * Format: uuid
             * @example 7c9e6679-7425-40de-944b-e07fc1f90ae7
             */
            id: string;
            /** @example inactive_7d */
            ruleKey: string;
            /** @example No login for 7 days */
            ruleName: string;
            /** @enum {string} */
            severity: "low" | "medium" | "high";
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            learnerId: string;
            /** @example stu-000123 */
            learnerExternalId: string;
            /** @example Wang Fang */
            learnerName: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            enrollmentId: string;
            /** @example enr-555 */
            enrollmentExternalId: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            courseId: string;
            /** @example Python from zero */
            courseTitle: string;
            /** @enum {string} */
            status: "open" | "cleared";
            /**
             * @description the evidence in plain words
             * @example No login for 9 days (threshold 7); last login 2026-11-16T01:12:00.000Z.
             */
            summary: string;
            /**
             * @description the metric values that fired, refreshed on every evaluation
             * @example {
             *       "inactiveDays": 9,
             *       "thresholdDays": 7,
             *       "lastLoginAt": "2026-11-16T01:12:00.000Z",
             *       "enrolledAt": "2026-09-01T02:00:00.000Z",
             *       "window": {
             *         "from": "2026-11-16T01:12:00.000Z",
             *         "to": "2026-11-25T08:00:00.000Z"
             *       }
             *     }
             */
            evidence: {
                [key: string]: unknown;
            };
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            openedAt: string;
            /**
             * Format: date-time
             * @description last evaluation that confirmed it
             * @example 2026-11-25T08:00:00.000Z
             */
            refreshedAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            clearedAt: string | null;
            feedback: components["schemas"]["FeedbackCountsDto"];
        };
        AlertPageDto: {
            items: components["schemas"]["AlertViewDto"][];
            /**
             * @description pass as ?cursor= for the next page; null on the last page
             * @example WyIyMDI2LTExLTI1VDA4OjAwOjAwLjAwMFoiLCI5ZjFjIl0
             */
            nextCursor: string | null;
        };
        AlertFeedbackDto: {
            /** @enum {string} */
            verdict: "useful" | "not_useful" | "incorrect";
            /** @example learner was on a business trip */
            note?: string;
        };
        AlertFeedbackViewDto: {
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            alertId: string;
            /** @example inactive_7d */
            ruleKey: string;
            /**
             * Format: uuid
             * @example 3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01
             */
            staffId: string;
            /** @enum {string} */
            verdict: "useful" | "not_useful" | "incorrect";
            /** @example learner was on a business trip */
            note: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T08:00:00.000Z
             */
            updatedAt: string;
        };
        CohortAlertPageDto: {
            items: components["schemas"]["CohortAlertViewDto"][];
            /**
             * @description pass as ?cursor= for the next page; null on the last page
             * @example WyIyMDI2LTExLTI1VDA4OjAwOjAwLjAwMFoiLCI5ZjFjIl0
             */
            nextCursor: string | null;
        };
        /** @description The one error body of every non-2xx answer. */
        Error: {
            /** @example 400 */
            statusCode: number;
            /** @example Bad Request */
            error: string;
            /** @example email: must be an email */
            message: string;
            /** @description one entry per bad field (400 only) */
            details?: {
                /** @example email */
                field: string;
                /** @example must be an email */
                message: string;
            }[];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    AuthController_login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginResultDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Email or password is wrong */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many failed logins for this email from this address (or from this address at all); wait the Retry-After seconds (backoff doubles with each further failure) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AuthController_me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MeDto"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description API keys have no profile */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    StaffController_listTeams: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TeamViewDto"][];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    StaffController_createTeam: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTeamDto"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TeamViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A team with this name exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    StaffController_updateTeam: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateTeamDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TeamViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A team with this name exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    StaffController_board: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TeamBoardDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    StaffController_list: {
        parameters: {
            query?: {
                limit?: number;
                /** @description nextCursor from the previous page */
                cursor?: string;
                teamId?: string;
                role?: "admin" | "supervisor" | "advisor";
                status?: "active" | "away" | "inactive";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StaffPageDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    StaffController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateStaffDto"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StaffViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Staff with this email exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    StaffController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StaffViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    StaffController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateStaffDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StaffViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Staff with this email exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TasksController_queue: {
        parameters: {
            query?: {
                /** @description the day (in the advisor's time zone); default today */
                date?: string;
                /** @description supervisors: a team member's queue (default: your own) */
                advisorId?: string;
                /** @description how many open cases without a task to list */
                casesLimit?: number;
                /** @description due: overdue first, then by due time; risk: learned churn risk, highest first */
                sort?: "due" | "risk";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TasksController_list: {
        parameters: {
            query?: {
                limit?: number;
                /** @description nextCursor from the previous page */
                cursor?: string;
                assigneeId?: string;
                status?: "scheduled" | "done" | "missed" | "cancelled";
                kind?: "first_week_checkin" | "care_call" | "advisor_contact" | "obstacle_call" | "escalation" | "survey" | "renewal_call" | "follow_up";
                learnerId?: string;
                /** @description one team's tasks (its people's; unassigned: its cases') */
                teamId?: string;
                /** @description scheduled and due before now (overdue) or before the end of today, school time zone (today, overdue included) */
                due?: "overdue" | "today";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskPageDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TasksController_reassignMany: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReassignTasksDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskMoveResultDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A task is no longer scheduled (nothing moved) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TasksController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TasksController_outcome: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OutcomeDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OutcomeResultDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The task is no longer scheduled */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TasksController_reschedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RescheduleDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The task is no longer scheduled */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TasksController_reassign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReassignDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The task is no longer scheduled */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    WebhooksController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookViewDto"][];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    WebhooksController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateWebhookDto"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    WebhooksController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateWebhookDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    WebhooksController_deliveries: {
        parameters: {
            query?: {
                limit?: number;
                /** @description nextCursor from the previous page */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryPageDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    WebhooksController_redeliver: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
                /** @description the webhook delivery id (a UUID) */
                deliveryId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RedeliverDto"];
            };
        };
        responses: {
            /** @description Accepted: the work runs in the worker */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RedeliveryDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The delivery was delivered already, or the webhook is disabled */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    CasesController_list: {
        parameters: {
            query?: {
                limit?: number;
                /** @description nextCursor from the previous page */
                cursor?: string;
                status?: "open" | "in_progress" | "resolved";
                advisorId?: string;
                teamId?: string;
                /** @description true: only the pool (no advisor); false: only assigned */
                unassigned?: "true" | "false";
                priority?: "low" | "medium" | "high" | "urgent";
                learnerId?: string;
                /** @description escalation: the supervisors' escalation queue */
                queue?: "advisor" | "escalation";
                escalated?: "true" | "false";
                /** @description true: open or in progress (not resolved) */
                open?: "true" | "false";
                /** @description cases with an alert of this rule */
                ruleKey?: string;
                /** @description the lifecycle stage of the case's enrolment */
                stage?: "new" | "active" | "near_expiry" | "paused" | "completed" | "churned";
                /** @description first contact still to make: overdue (past its due time) or due today (school time zone) */
                due?: "overdue" | "today";
                /** @description priority (default): priority, then first due; risk: learned churn risk, highest first, unscored last */
                sort?: "priority" | "risk";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CasePageDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    CasesController_reassign: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReassignCasesDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CaseMoveResultDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A target advisor would exceed their capacity (nothing moved) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    CasesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CaseDetailDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    CasesController_assign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AssignCaseDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CaseViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The case is resolved, or the advisor is at capacity */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    CasesController_resolve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ResolveCaseDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CaseViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The case is already resolved with another outcome */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    CasesController_reschedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RescheduleCaseDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CaseViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The case is resolved */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    ApiClientsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiClientViewDto"][];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    ApiClientsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApiClientDto"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiClientCreatedDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    ApiClientsController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiClientViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AuditController_list: {
        parameters: {
            query?: {
                limit?: number;
                /** @description nextCursor from the previous page */
                cursor?: string;
                entity?: "case" | "task" | "ticket" | "rule" | "staff" | "team" | "api_client" | "alert" | "webhook" | "calendar" | "sla_policy" | "enrollment";
                /** @description id of the record (a rule key for rules) */
                entityId?: string;
                action?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditPageDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    HealthController_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LiveDto"];
                };
            };
        };
    };
    HealthController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReadyDto"];
                };
            };
            /** @description PostgreSQL or Redis is down (details name which) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    MetricsController_scrape: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text exposition format */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example # HELP http_request_duration_seconds HTTP request duration
                     *     # TYPE http_request_duration_seconds histogram
                     *     http_request_duration_seconds_bucket{le="0.05",method="GET",route="/api/v1/me/queue",status="200"} 42
                     */
                    "text/plain": string;
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    SyncController_courses: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CourseSyncBodyDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SyncReplyDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    SyncController_learners: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LearnerSyncBodyDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SyncReplyDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    SyncController_enrollments: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EnrollmentSyncBodyDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SyncReplyDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    SyncController_events: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EventSyncBodyDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SyncReplyDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    LearnersController_list: {
        parameters: {
            query?: {
                limit?: number;
                /** @description nextCursor from the previous page */
                cursor?: string;
                /** @description search by name, email or external id, or by phone digits (three or more; spaces and signs ignored) */
                q?: string;
                /** @description owner advisor */
                advisorId?: string;
                stage?: "new" | "active" | "near_expiry" | "paused" | "completed" | "churned";
                /** @description highest severity of open alerts (none: low) */
                risk?: "low" | "medium" | "high";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LearnerPageDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    LearnersController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LearnerDetailDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    LearnersController_timeline: {
        parameters: {
            query?: {
                limit?: number;
                /** @description nextCursor from the previous page */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TimelinePageDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AnalyticsController_retention: {
        parameters: {
            query?: {
                /** @description first day (school time zone), inclusive */
                from?: string;
                /** @description last day (school time zone), inclusive */
                to?: string;
                courseId?: string;
                /** @description only this team's courses (a supervisor: one of their teams) */
                teamId?: string;
                /** @description enrolment cohort size */
                cohort?: "week" | "month";
                /** @description length of the retention curve in weeks */
                weeks?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The report as JSON, or as CSV (one row per line, header first) when the request sends `Accept: text/csv`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RetentionReportDto"];
                    /**
                     * @example cohort,enrolments,mature30,churned30,churnRate30,mature60,churned60,churnRate60,mature90,churned90,churnRate90,churnedToDate,renewed,renewalDue,renewalRate,week_1,week_2
                     *     2026-09,120,100,18,0.18,80,20,0.25,60,18,0.3,22,10,25,0.4,0.95,0.9
                     *     total,120,100,18,0.18,80,20,0.25,60,18,0.3,22,10,25,0.4,0.95,0.9
                     */
                    "text/csv": string;
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AnalyticsController_firstWeek: {
        parameters: {
            query?: {
                /** @description first day (school time zone), inclusive */
                from?: string;
                /** @description last day (school time zone), inclusive */
                to?: string;
                courseId?: string;
                /** @description only this team's courses (a supervisor: one of their teams) */
                teamId?: string;
                /** @description churn horizon of the holdout uplift, in days */
                horizonDays?: 30 | 60 | 90;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The report as JSON, or as CSV (one row per line, header first) when the request sends `Accept: text/csv`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FirstWeekReportDto"];
                    /**
                     * @example scope,courseId,courseTitle,row,enrolments,mature30,churned30,churnRate30,mature60,churned60,churnRate60,mature90,churned90,churnRate90,coverageEligible,coverageCovered,coverageShare,horizonDays,holdoutN,holdoutChurned,holdoutChurn,treatedN,treatedChurned,treatedChurn,difference,ciLow,ciHigh,conclusive,verdict
                     *     overall,,,covered,120,100,18,0.18,80,20,0.25,60,18,0.3,,,,,,,,,,,,,,,
                     *     overall,,,notCovered,120,100,18,0.18,80,20,0.25,60,18,0.3,,,,,,,,,,,,,,,
                     *     overall,,,holdout,120,100,18,0.18,80,20,0.25,60,18,0.3,,,,,,,,,,,,,,,
                     *     overall,,,coverage,,,,,,,,,,,300,240,0.8,,,,,,,,,,,,
                     *     overall,,,uplift,,,,,,,,,,,,,,30,120,40,0.333333,1080,230,0.212963,0.12037,0.03832,0.211766,true,"Interventions reduce 30-day churn by 12.0 points (95% CI 3.8 points to 21.2 points; holdout n=120, treated n=1080)."
                     */
                    "text/csv": string;
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AnalyticsController_rules: {
        parameters: {
            query?: {
                /** @description first day (school time zone), inclusive */
                from?: string;
                /** @description last day (school time zone), inclusive */
                to?: string;
                courseId?: string;
                /** @description only this team's courses (a supervisor: one of their teams) */
                teamId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The report as JSON, or as CSV (one row per line, header first) when the request sends `Accept: text/csv`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RulesReportDto"];
                    /**
                     * @example ruleKey,name,enabled,alerts,alertedEnrolments,precisionN,churnedWithin30,precision,recallN,alertedBeforeChurn,recall,medianLeadDays,feedback_useful,feedback_not_useful,feedback_incorrect
                     *     inactive_7d,No login for 7 days,true,210,190,150,48,0.32,90,63,0.7,11,12,3,1
                     */
                    "text/csv": string;
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AnalyticsController_churnReasons: {
        parameters: {
            query?: {
                /** @description first day (school time zone), inclusive */
                from?: string;
                /** @description last day (school time zone), inclusive */
                to?: string;
                courseId?: string;
                /** @description only this team's courses (a supervisor: one of their teams) */
                teamId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The report as JSON, or as CSV (one row per line, header first) when the request sends `Accept: text/csv`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChurnReasonsReportDto"];
                    /**
                     * @example reason,count,share,fromCases,fromCalls
                     *     life_circumstances,12,0.6,8,4
                     *     slow_service,8,0.4,5,3
                     *     total,20,1,13,7
                     */
                    "text/csv": string;
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AnalyticsController_advisors: {
        parameters: {
            query?: {
                from?: string;
                to?: string;
                teamId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The report as JSON, or as CSV (one row per line, header first) when the request sends `Accept: text/csv`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdvisorsReportDto"];
                    /**
                     * @example advisorId,name,teamId,status,openCases,tasksDone,tasksOverdue,callsReached,medianFirstContactMinutes,firstContactN,outcome_retained,outcome_churned,outcome_unreachable,outcome_not_at_risk
                     *     5d1e8f7a-9b2c-4e3d-8a1f-6c7b9e0d2a34,Li Wei,,active,18,140,3,96,185,33,20,4,3,6
                     */
                    "text/csv": string;
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AnalyticsController_tickets: {
        parameters: {
            query?: {
                /** @description tickets created from this day (school time zone) */
                from?: string;
                /** @description tickets created up to this day, inclusive */
                to?: string;
                category?: "technical" | "learning" | "account" | "billing" | "complaint";
                priority?: "low" | "medium" | "high" | "urgent";
                /** @description only this team's tickets (a supervisor: one of their teams) */
                teamId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The report as JSON, or as CSV (one row per line, header first) when the request sends `Accept: text/csv`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketsReportDto"];
                    /**
                     * @example scope,key,tickets,firstResponse_measured,firstResponse_p50Minutes,firstResponse_p90Minutes,firstResponse_met,firstResponse_breached,firstResponse_open,firstResponse_compliance,resolution_measured,resolution_p50Minutes,resolution_p90Minutes,resolution_met,resolution_breached,resolution_open,resolution_compliance
                     *     overall,,192,180,42,210,160,20,12,0.888889,180,42,210,160,20,12,0.888889
                     *     category,technical,192,180,42,210,160,20,12,0.888889,180,42,210,160,20,12,0.888889
                     */
                    "text/csv": string;
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AnalyticsController_status: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsStatusDto"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AnalyticsController_refresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted: the work runs in the worker */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefreshAcceptedDto"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TicketsController_list: {
        parameters: {
            query?: {
                limit?: number;
                /** @description nextCursor from the previous page */
                cursor?: string;
                status?: "new" | "open" | "pending" | "resolved" | "closed";
                assigneeId?: string;
                teamId?: string;
                learnerId?: string;
                category?: "technical" | "learning" | "account" | "billing" | "complaint";
                /** @description only open tickets nobody holds (the team pool) */
                unassigned?: boolean;
                /** @description breached: any SLA target missed; warning: past 80% of a target, none missed */
                sla?: "breached" | "warning";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketPageDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TicketsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTicketDto"];
            };
        };
        responses: {
            /** @description externalId seen before: the existing ticket */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketViewDto"];
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TicketsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketDetailDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TicketsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateTicketDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The ticket is closed */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TicketsController_addMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddMessageDto"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketDetailDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The ticket is closed */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TicketsController_resolve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ResolveTicketDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The ticket is already closed */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TicketsController_assign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AssignTicketDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TicketsController_reassign: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReassignTicketsDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketListDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TicketsController_listRoutes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketRouteViewDto"][];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TicketsController_putRoutes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PutTicketRoutesDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketRouteViewDto"][];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    KbController_search: {
        parameters: {
            query?: {
                limit?: number;
                /** @description nextCursor from the previous page */
                cursor?: string;
                /** @description search text, Chinese or English */
                q?: string;
                tag?: string;
                /** @description rank articles that answered tickets of this category higher */
                category?: "technical" | "learning" | "account" | "billing" | "complaint";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KbArticlePageDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    KbController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateKbArticleDto"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KbArticleViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    KbController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KbArticleDetailDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    KbController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateKbArticleDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KbArticleViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    CalendarsController_listCalendars: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CalendarViewDto"][];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    CalendarsController_createCalendar: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateCalendarDto"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CalendarViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A calendar with this name exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    CalendarsController_getCalendar: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CalendarViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    CalendarsController_updateCalendar: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateCalendarDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CalendarViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A calendar with this name exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    CalendarsController_listPolicies: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SlaPolicyViewDto"][];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    CalendarsController_createPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateSlaPolicyDto"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SlaPolicyViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A policy with this name or position exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    CalendarsController_updatePolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateSlaPolicyDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SlaPolicyViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A policy with this name or position exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RulesController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RuleViewDto"][];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RulesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateRuleDto"];
            };
        };
        responses: {
            /** @description The same definition was sent again: the rule, unchanged */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RuleViewDto"];
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RuleViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Another rule has this key with a different definition */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RulesController_kinds: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RuleKindDto"][];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RulesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the rule key */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RuleViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RulesController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the rule key */
                key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateRuleDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RuleViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RulesController_evaluate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EvaluateRulesDto"];
            };
        };
        responses: {
            /** @description Accepted: the work runs in the worker */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunAcceptedDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Another rule run was just requested; try again */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RulesController_backtest: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BacktestDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BacktestResultDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RulesController_getRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RuleRunViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RiskController_report: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RiskReportDto"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RiskController_train: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted: the work runs in the worker */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RiskTrainAcceptedDto"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AlertsController_list: {
        parameters: {
            query?: {
                limit?: number;
                /** @description nextCursor from the previous page */
                cursor?: string;
                status?: "open" | "cleared";
                ruleKey?: string;
                learnerId?: string;
                enrollmentId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertPageDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AlertsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AlertsController_feedback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the record id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AlertFeedbackDto"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertFeedbackViewDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such record, or not visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "error": "Not Found",
                     *       "message": "case 3f0c… not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 413,
                     *       "error": "Payload Too Large",
                     *       "message": "Request body is too large"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    AlertsController_listCohort: {
        parameters: {
            query?: {
                limit?: number;
                /** @description nextCursor from the previous page */
                cursor?: string;
                courseId?: string;
                ruleKey?: string;
                from?: string;
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CohortAlertPageDto"];
                };
            };
            /** @description Bad input: the body, query or a path id is invalid (`details` names each field) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "error": "Bad Request",
                     *       "message": "Validation failed",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "message": "must not be greater than 500"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or an invalid or expired token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "error": "Unauthorized",
                     *       "message": "Authentication required: send Authorization: Bearer <token or API key>"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but the role or API-key scope does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "error": "Forbidden",
                     *       "message": "You are not allowed to do this"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests from this address; retry after the time given */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "error": "Too Many Requests",
                     *       "message": "Too many requests; retry in 1 minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
