/** Plain-words reading of a rule's parameters, shown next to them in GET /rules. */
export function describeParams(kind: string, p: Record<string, number>): string {
  switch (kind) {
    case 'inactive_days':
      return `No login for ${p.days} days, counted from the later of the last login and the enrolment (active enrolments only).`;
    case 'low_completion':
      return `Completed lessons below ${Math.round(p.ratio * 100)}% of the expected pace (total × elapsed ÷ duration), after a ${p.graceDays}-day grace period.`;
    case 'late_assignments':
      return `${p.count} or more assignments submitted — or still missing — more than ${p.lateDays} days after their due time (cumulative per enrolment).`;
    case 'complaints':
      return `${p.count} or more complaints in one calendar month (school time zone).`;
    case 'study_time_drop':
      return `Weekly study minutes at most ${Math.round(p.dropRatio * 100)}% of the week before, ${p.weeks} full weeks running.`;
    default:
      return kind;
  }
}
