/**
 * One branch for the learner timeline's UNION ALL (libs/learners LearnersRepository.timeline): one row per
 * ticket at its opening, with the same columns as the other branches (kind, id, at, type, enrollment_id,
 * course_id, detail). `$1` is the learner id. `detail.sla` holds each target's outcome from stored facts only
 * (met / breached once decided, null while the clock still runs), so the timeline never depends on "now".
 */
export const TICKET_TIMELINE_SQL = `
  select 'ticket'::text as kind, t.id::text as id, t.created_at as at, t.category as type,
         null::uuid as enrollment_id, null::uuid as course_id,
         jsonb_build_object(
           'subject', t.subject, 'priority', t.priority, 'status', t.status, 'assigneeId', t.assignee_id, 'teamId', t.team_id,
           'firstResponseDueAt', t.first_response_due_at, 'firstRespondedAt', t.first_responded_at,
           'resolutionDueAt', t.resolution_due_at, 'resolvedAt', t.resolved_at, 'escalatedAt', t.escalated_at,
           'sla', jsonb_build_object(
             'firstResponse', case
               when t.first_response_due_at is null then null
               when t.first_responded_at is not null then case when t.first_responded_at <= t.first_response_due_at then 'met' else 'breached' end
               when t.first_response_breached_at is not null then 'breached' end,
             'resolution', case
               when t.resolution_due_at is null then null
               when t.resolved_at is not null and t.status in ('resolved','closed') then case when t.resolved_at <= t.resolution_due_at then 'met' else 'breached' end
               when t.resolution_breached_at is not null then 'breached' end)
         ) as detail
    from tickets t where t.learner_id = $1`;
