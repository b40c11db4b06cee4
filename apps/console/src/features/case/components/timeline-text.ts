import { enumLabel, ruleLabel, taskKindLabel } from '../../../components/labels';
import type { Formatters, MessageKey } from '../../../i18n/i18n';
import type { TimelineItem } from '../api/case';
import { describeEvidence } from './evidence';

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** One timeline entry in words: what happened, and a detail line where there is one. */
export function timelineText(
  t: T,
  fmt: Formatters,
  item: TimelineItem,
): { title: string; detail?: string; tone: 'activity' | 'alert' | 'call' | 'ticket' | 'complaint' } {
  const d = (item.detail ?? {}) as Record<string, unknown>;
  switch (item.kind) {
    case 'event':
      switch (item.type) {
        case 'login':
          return { title: t('timeline.login'), tone: 'activity' };
        case 'lesson_completed':
          return { title: t('timeline.lesson', { lesson: String(d.lessonId ?? '') }), tone: 'activity' };
        case 'study_session':
          return { title: t('timeline.study', { minutes: Number(d.minutes ?? 0) }), tone: 'activity' };
        case 'assignment_submitted': {
          const late = typeof d.dueAt === 'string' && typeof d.submittedAt === 'string' ? new Date(d.submittedAt).getTime() - new Date(d.dueAt).getTime() : 0;
          return {
            title: t('timeline.assignment', { id: String(d.assignmentId ?? '') }),
            detail:
              late > 0
                ? t('timeline.assignment.late', { duration: fmt.duration(late) })
                : typeof d.dueAt === 'string'
                  ? t('timeline.assignment.onTime')
                  : undefined,
            tone: 'activity',
          };
        }
        case 'assignment_assigned':
          return {
            title: t('timeline.assignmentAssigned', { id: String(d.assignmentId ?? '') }),
            detail: typeof d.dueAt === 'string' ? t('timeline.dueBy', { when: fmt.dateTime(d.dueAt) }) : undefined,
            tone: 'activity',
          };
        case 'complaint':
          return { title: t('timeline.complaint'), detail: typeof d.text === 'string' ? d.text : undefined, tone: 'complaint' };
        case 'renewal':
          return { title: t('timeline.renewal'), tone: 'activity' };
        default:
          return { title: item.type, tone: 'activity' };
      }
    case 'alert': {
      const cleared = d.status === 'cleared';
      return {
        title: t(cleared ? 'timeline.alertCleared' : 'timeline.alert', { rule: ruleLabel(t, item.type) }),
        detail: d.evidence && typeof d.evidence === 'object' ? describeEvidence(t, fmt, d.evidence as Record<string, unknown>) : undefined,
        tone: 'alert',
      };
    }
    case 'task': {
      const kind = taskKindLabel(t, item.type, typeof d.dayIndex === 'number' ? d.dayIndex : null);
      const state = d.result ? enumLabel(t, 'call.result', String(d.result)) : enumLabel(t, 'task.status', String(d.status ?? 'scheduled'));
      return { title: `${kind} · ${state}`, detail: typeof d.note === 'string' && d.note ? d.note : undefined, tone: 'call' };
    }
    case 'ticket':
      return {
        title: t('timeline.ticket', { category: enumLabel(t, 'ticket.category', item.type), subject: String(d.subject ?? '') }),
        detail: enumLabel(t, 'ticket.status', String(d.status ?? '')),
        tone: 'ticket',
      };
    default:
      return { title: item.type, tone: 'activity' };
  }
}
