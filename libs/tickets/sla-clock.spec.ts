import type { BusinessCalendar } from '../common/business-time.js';
import { computeTargets, pendingChecks, slaStatus } from './sla-clock.js';
import type { TicketRow } from './ticket.types.js';

const SPLIT: Array<[string, string]> = [
  ['09:00', '12:00'],
  ['13:30', '17:30'],
];
const cal: BusinessCalendar = { timezone: 'Asia/Shanghai', hours: { mon: SPLIT, tue: SPLIT, wed: SPLIT, thu: SPLIT, fri: SPLIT }, holidays: [], workdays: [] };
const sh = (s: string) => new Date(`${s}+08:00`);

function ticket(over: Partial<TicketRow> = {}): TicketRow {
  const created = sh('2026-11-27T17:00:00');
  const t = computeTargets(cal, { firstResponseMinutes: 240, resolutionMinutes: 960 }, created, 0);
  return {
    status: 'open',
    first_response_due_at: t.firstResponseDueAt,
    first_response_warn_at: t.firstResponseWarnAt,
    first_responded_at: null,
    first_response_warned_at: null,
    first_response_breached_at: null,
    resolution_due_at: t.resolutionDueAt,
    resolution_warn_at: t.resolutionWarnAt,
    resolution_warned_at: null,
    resolution_breached_at: null,
    resolved_at: null,
    pending_since: null,
    created_at: created,
    ...over,
  } as TicketRow;
}

describe('computeTargets', () => {
  it('puts deadlines and 80% warnings on business time, and pushes the resolution clock by paused minutes', () => {
    const t = computeTargets(cal, { firstResponseMinutes: 240, resolutionMinutes: 960 }, sh('2026-11-27T17:00:00'), 0);
    expect(t.firstResponseDueAt).toEqual(sh('2026-11-30T14:00:00'));
    expect(t.firstResponseWarnAt).toEqual(sh('2026-11-30T11:42:00'));
    // 30 min Friday + 420 Monday + 420 Tuesday + 90 Wednesday.
    expect(t.resolutionDueAt).toEqual(sh('2026-12-02T10:30:00'));
    const paused = computeTargets(cal, { firstResponseMinutes: 240, resolutionMinutes: 960 }, sh('2026-11-27T17:00:00'), 60);
    expect(paused.resolutionDueAt).toEqual(sh('2026-12-02T11:30:00'));
    expect(paused.firstResponseDueAt).toEqual(t.firstResponseDueAt);
  });
});

describe('slaStatus', () => {
  it('moves from on_track to warning to breached as time passes', () => {
    expect(slaStatus(ticket(), sh('2026-11-30T09:00:00')).firstResponse).toBe('on_track');
    expect(slaStatus(ticket(), sh('2026-11-30T11:42:00')).firstResponse).toBe('warning');
    expect(slaStatus(ticket(), sh('2026-11-30T14:00:00')).firstResponse).toBe('breached');
  });
  it('is met or breached once done, by when it was done', () => {
    expect(slaStatus(ticket({ first_responded_at: sh('2026-11-30T13:59:00') }), sh('2026-12-30T00:00:00')).firstResponse).toBe('met');
    expect(slaStatus(ticket({ first_responded_at: sh('2026-11-30T14:01:00') }), sh('2026-11-30T14:02:00')).firstResponse).toBe('breached');
    expect(slaStatus(ticket({ status: 'resolved', resolved_at: sh('2026-12-01T10:00:00') }), sh('2026-12-30T00:00:00')).resolution).toBe('met');
  });
  it("reads a pending ticket's resolution clock as of when it stopped", () => {
    const pending = ticket({ status: 'pending', pending_since: sh('2026-11-30T09:00:00') });
    expect(slaStatus(pending, sh('2026-12-30T00:00:00')).resolution).toBe('on_track');
  });
  it('has no status without a policy', () => {
    expect(slaStatus(ticket({ first_response_due_at: null, resolution_due_at: null }), new Date())).toEqual({ firstResponse: null, resolution: null });
  });
});

describe('pendingChecks', () => {
  const names = (t: TicketRow) => pendingChecks(t).map((c) => `${c.target}/${c.kind}`);
  it('wants a warning and a breach per running clock', () => {
    expect(names(ticket())).toEqual(['first_response/warning', 'first_response/breach', 'resolution/warning', 'resolution/breach']);
  });
  it('drops what is answered, done, paused or already recorded', () => {
    expect(names(ticket({ first_responded_at: sh('2026-11-30T09:00:00') }))).toEqual(['resolution/warning', 'resolution/breach']);
    expect(names(ticket({ status: 'pending', first_responded_at: sh('2026-11-30T09:00:00') }))).toEqual([]);
    expect(names(ticket({ status: 'resolved', resolved_at: sh('2026-11-30T09:00:00') }))).toEqual([]);
    expect(names(ticket({ first_response_warned_at: sh('2026-11-30T11:42:00'), resolution_breached_at: sh('2026-12-02T10:30:00') }))).toEqual([
      'first_response/breach',
    ]);
  });
});
