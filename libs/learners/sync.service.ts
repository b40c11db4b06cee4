import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { DomainError, ErrorCode, type FieldError } from '../common/domain-error.js';
import { OutboxService, type DomainEvent } from '../outbox/outbox.service.js';
import { isHoldout } from './holdout.js';
import {
  checkCourse,
  checkEnrollment,
  checkEvent,
  checkLearner,
  itemsOf,
  MAX_SYNC_ITEMS,
  summarize,
  type Checked,
  type CourseItem,
  type EnrollmentItem,
  type LearnerItem,
  type SyncReply,
  type SyncResult,
} from './sync-items.js';
import { ConcurrentInsertError, SyncRepository, type IngestColumns } from './sync.repository.js';

const RETRYABLE_PG_CODES = new Set(['40P01', '40001', '23505']);
const MAX_ATTEMPTS = 5;

/**
 * The sync API (docs/design.md §4.1): idempotent bulk upserts by externalId and appends by eventId. Every item gets
 * its own result; invalid items are rejected with field errors while the valid ones are stored. An item whose
 * updatedAt is older than the stored one is `stale` and changes nothing.
 */
@Injectable()
export class SyncService {
  private readonly logger = new Logger(SyncService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: SyncRepository,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async syncCourses(body: unknown): Promise<SyncReply> {
    const { results, valid } = this.precheck(body, checkCourse, (c) => c.externalId);
    if (valid.length) {
      await this.withRetry(() =>
        this.dataSource.transaction(async (em) => {
          const stored = new Map(
            (
              await this.repo.lockCourses(
                em,
                valid.map((v) => v.item.externalId),
              )
            ).map((r) => [r.external_id, r]),
          );
          const teams = await this.repo.existingTeamIds(em, [...new Set(valid.map((v) => v.item.teamId).filter((t): t is string => !!t))]);
          const toInsert: Array<{ index: number; item: CourseItem }> = [];
          const toUpdate: Array<CourseItem & { id: string; sourceUpdatedAt: Date | null }> = [];
          const touch: Array<{ id: string; at: Date }> = [];
          for (const { index, item } of valid) {
            if (item.teamId && !teams.has(item.teamId)) {
              results[index] = rejected(index, item.externalId, [{ field: `items.${index}.teamId`, message: `team ${item.teamId} does not exist` }]);
              continue;
            }
            const s = stored.get(item.externalId);
            if (!s) {
              toInsert.push({ index, item });
              continue;
            }
            const same =
              s.title === item.title &&
              s.total_lessons === item.totalLessons &&
              s.duration_days === item.durationDays &&
              s.category === item.category &&
              s.team_id === item.teamId;
            results[index] = this.decide(index, s.id, s.source_updated_at, item.updatedAt, same, toUpdate, touch, {
              ...item,
              id: s.id,
              sourceUpdatedAt: item.updatedAt ?? s.source_updated_at,
            });
          }
          const ids = await this.repo.insertCourses(
            em,
            toInsert.map((t) => t.item),
          );
          for (const { index, item } of toInsert) results[index] = { index, id: ids.get(item.externalId)!, status: 'created' };
          await this.repo.updateCourses(em, toUpdate);
          await this.repo.touchSourceUpdatedAt(em, 'courses', touch);
        }),
      );
    }
    return summarize(results as SyncResult[]);
  }

  async syncLearners(body: unknown): Promise<SyncReply> {
    const { results, valid } = this.precheck(body, checkLearner, (l) => l.externalId);
    if (valid.length) {
      await this.withRetry(() =>
        this.dataSource.transaction(async (em) => {
          const stored = new Map(
            (
              await this.repo.lockLearners(
                em,
                valid.map((v) => v.item.externalId),
              )
            ).map((r) => [r.external_id, r]),
          );
          const toInsert: Array<{ index: number; item: LearnerItem & { holdout: boolean } }> = [];
          const toUpdate: Array<LearnerItem & { id: string; sourceUpdatedAt: Date | null }> = [];
          const touch: Array<{ id: string; at: Date }> = [];
          for (const { index, item } of valid) {
            const s = stored.get(item.externalId);
            if (!s) {
              toInsert.push({ index, item: { ...item, holdout: isHoldout(item.externalId, this.config.holdoutPercent) } });
              continue;
            }
            const same = s.name === item.name && s.phone === item.phone && s.email === item.email && s.timezone === item.timezone;
            results[index] = this.decide(index, s.id, s.source_updated_at, item.updatedAt, same, toUpdate, touch, {
              ...item,
              id: s.id,
              sourceUpdatedAt: item.updatedAt ?? s.source_updated_at,
            });
          }
          const ids = await this.repo.insertLearners(
            em,
            toInsert.map((t) => t.item),
          );
          for (const { index, item } of toInsert) results[index] = { index, id: ids.get(item.externalId)!, status: 'created' };
          await this.repo.updateLearners(em, toUpdate);
          await this.repo.touchSourceUpdatedAt(em, 'learners', touch);
          const changed = [...ids.values(), ...toUpdate.map((u) => u.id)];
          await this.outbox.publish(
            em,
            changed.map((learnerId) => ({ aggregateType: 'learner', aggregateId: learnerId, eventType: 'learner.updated', payload: { learnerId } })),
          );
        }),
      );
    }
    return summarize(results as SyncResult[]);
  }

  async syncEnrollments(body: unknown): Promise<SyncReply> {
    const { results, valid } = this.precheck(body, checkEnrollment, (e) => e.externalId);
    if (valid.length) {
      await this.withRetry(() =>
        this.dataSource.transaction(async (em) => {
          const learners = await this.repo.learnerIdsByExternalId(em, [...new Set(valid.map((v) => v.item.learnerExternalId))]);
          const courses = await this.repo.courseIdsByExternalId(em, [...new Set(valid.map((v) => v.item.courseExternalId))]);
          const stored = new Map(
            (
              await this.repo.lockEnrollments(
                em,
                valid.map((v) => v.item.externalId),
              )
            ).map((r) => [r.external_id, r]),
          );
          const toInsert: Array<{ index: number; item: EnrollmentItem & { learnerId: string; courseId: string; holdout: boolean } }> = [];
          const toUpdate: Array<EnrollmentItem & { id: string; sourceUpdatedAt: Date | null; statusChanged: boolean }> = [];
          const touch: Array<{ id: string; at: Date }> = [];
          const events: DomainEvent[] = [];
          for (const { index, item } of valid) {
            const learnerId = learners.get(item.learnerExternalId);
            const courseId = courses.get(item.courseExternalId);
            const errors: FieldError[] = [];
            if (!learnerId)
              errors.push({
                field: `items.${index}.learnerExternalId`,
                message: `unknown learner ${item.learnerExternalId} (sync it with PUT /sync/learners first)`,
              });
            if (!courseId)
              errors.push({
                field: `items.${index}.courseExternalId`,
                message: `unknown course ${item.courseExternalId} (sync it with PUT /sync/courses first)`,
              });
            const s = stored.get(item.externalId);
            if (s && learnerId && s.learner_id !== learnerId)
              errors.push({ field: `items.${index}.learnerExternalId`, message: 'an enrolment cannot move to another learner' });
            if (s && courseId && s.course_id !== courseId)
              errors.push({ field: `items.${index}.courseExternalId`, message: 'an enrolment cannot move to another course' });
            if (errors.length) {
              results[index] = rejected(index, item.externalId, errors);
              continue;
            }
            if (!s) {
              toInsert.push({
                index,
                item: { ...item, learnerId: learnerId!, courseId: courseId!, holdout: isHoldout(item.learnerExternalId, this.config.holdoutPercent) },
              });
              continue;
            }
            const same = sameTime(s.enrolled_at, item.enrolledAt) && sameTime(s.expires_at, item.expiresAt) && s.status === item.status;
            const statusChanged = s.status !== item.status;
            const before = toUpdate.length;
            results[index] = this.decide(index, s.id, s.source_updated_at, item.updatedAt, same, toUpdate, touch, {
              ...item,
              id: s.id,
              sourceUpdatedAt: item.updatedAt ?? s.source_updated_at,
              statusChanged,
            });
            if (toUpdate.length > before && statusChanged) {
              events.push({
                aggregateType: 'enrollment',
                aggregateId: s.id,
                eventType: 'enrollment.status_changed',
                payload: { enrollmentId: s.id, learnerId: s.learner_id, from: s.status, to: item.status },
              });
            }
          }
          const ids = await this.repo.insertEnrollments(
            em,
            toInsert.map((t) => t.item),
          );
          for (const { index, item } of toInsert) {
            const id = ids.get(item.externalId)!;
            results[index] = { index, id, status: 'created' };
            events.push({
              aggregateType: 'enrollment',
              aggregateId: id,
              eventType: 'enrollment.created',
              payload: { enrollmentId: id, learnerId: item.learnerId, courseId: item.courseId, enrolledAt: item.enrolledAt.toISOString(), status: item.status },
            });
          }
          await this.repo.updateEnrollments(em, toUpdate);
          await this.repo.touchSourceUpdatedAt(em, 'enrollments', touch);
          await this.outbox.publish(em, events);
        }),
      );
    }
    return summarize(results as SyncResult[]);
  }

  /**
   * Appends activity events by eventId. Validation is a cheap loop here; storage, de-duplication and the
   * rollups are one SQL statement (SyncRepository.ingestEvents), so only events that were new are counted.
   */
  async syncEvents(body: unknown): Promise<SyncReply> {
    const items = this.items(body);
    const results: SyncResult[] = new Array(items.length);
    const cols: IngestColumns = { i: [], eventId: [], learner: [], course: [], type: [], occurredAt: [], data: [] };
    const seen = new Set<string>();
    for (let i = 0; i < items.length; i++) {
      const c = checkEvent(items[i], i);
      if (!c.ok) {
        const id = (items[i] as { eventId?: unknown } | null)?.eventId;
        results[i] = rejected(i, typeof id === 'string' ? id : null, c.errors);
        continue;
      }
      const v = c.value;
      if (seen.has(v.eventId)) {
        results[i] = { index: i, id: v.eventId, status: 'duplicate' };
        continue;
      }
      seen.add(v.eventId);
      cols.i.push(i);
      cols.eventId.push(v.eventId);
      cols.learner.push(v.learnerExternalId);
      cols.course.push(v.courseExternalId);
      cols.type.push(v.type);
      cols.occurredAt.push((items[i] as { occurredAt: string }).occurredAt);
      cols.data.push(v.data);
    }
    if (cols.i.length) {
      const outcome = await this.withRetry(() => this.repo.ingestEvents(cols, this.config.schoolTimezone));
      const pos = new Map<number, number>();
      cols.i.forEach((itemIndex, k) => pos.set(itemIndex, k));
      for (const o of outcome) {
        const k = pos.get(o.i)!;
        const eventId = cols.eventId[k];
        if (o.unknown_learner || o.unknown_course) {
          const errors: FieldError[] = [];
          if (o.unknown_learner) errors.push({ field: `items.${o.i}.learnerExternalId`, message: `unknown learner ${cols.learner[k]}` });
          if (o.unknown_course) errors.push({ field: `items.${o.i}.courseExternalId`, message: `unknown course ${cols.course[k]}` });
          results[o.i] = rejected(o.i, eventId, errors);
        } else {
          results[o.i] = { index: o.i, id: eventId, status: o.created ? 'created' : 'duplicate' };
        }
      }
    }
    return summarize(results);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private items(body: unknown): unknown[] {
    const r = itemsOf(body);
    if ('items' in r) return r.items;
    if (r.error === 'too_many') {
      throw new DomainError(ErrorCode.PayloadTooLarge, `At most ${MAX_SYNC_ITEMS} items per request (got ${r.count}); split the batch`);
    }
    if (r.error === 'unknown_field') throw DomainError.field(r.field, 'is not a known field');
    throw DomainError.field('items', 'must be an array of items: send {"items": [...]}');
  }

  /** Validates every item and rejects repeats of a key within the batch (the first occurrence wins). */
  private precheck<T>(body: unknown, check: (raw: unknown, i: number) => Checked<T>, key: (t: T) => string) {
    const items = this.items(body);
    const results: Array<SyncResult | undefined> = new Array(items.length);
    const valid: Array<{ index: number; item: T }> = [];
    const seen = new Map<string, number>();
    items.forEach((raw, index) => {
      const c = check(raw, index);
      if (!c.ok) {
        const ext = (raw as { externalId?: unknown } | null)?.externalId;
        results[index] = rejected(index, typeof ext === 'string' ? ext : null, c.errors);
        return;
      }
      const k = key(c.value);
      const first = seen.get(k);
      if (first !== undefined) {
        results[index] = {
          index,
          id: null,
          status: 'duplicate',
          errors: [{ field: `items.${index}.externalId`, message: `repeats items.${first} in this batch; only the first is applied` }],
        };
        return;
      }
      seen.set(k, index);
      valid.push({ index, item: c.value });
    });
    return { results, valid };
  }

  /** stale / unchanged / updated for an existing row; queues the update or the source-timestamp bump. */
  private decide<U extends { id: string }>(
    index: number,
    id: string,
    storedAt: Date | null,
    itemAt: Date | null,
    same: boolean,
    toUpdate: U[],
    touch: Array<{ id: string; at: Date }>,
    update: U,
  ): SyncResult {
    if (itemAt && storedAt && itemAt.getTime() < storedAt.getTime()) return { index, id, status: 'stale' };
    if (same) {
      if (itemAt && (!storedAt || itemAt.getTime() > storedAt.getTime())) touch.push({ id, at: itemAt });
      return { index, id, status: 'unchanged' };
    }
    toUpdate.push(update);
    return { index, id, status: 'updated' };
  }

  /** Deadlocks, serialization failures and lost insert races between concurrent batches: run the batch again. */
  private async withRetry<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        const code = (e as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (e as { code?: string }).code;
        const retryable = e instanceof ConcurrentInsertError || (code !== undefined && RETRYABLE_PG_CODES.has(code));
        if (!retryable || attempt >= MAX_ATTEMPTS) throw e;
        this.logger.debug(`sync batch retry ${attempt} after ${code ?? 'concurrent insert'}`);
        await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
      }
    }
  }
}

function rejected(index: number, id: string | null, errors: FieldError[]): SyncResult {
  return { index, id, status: 'rejected', errors };
}

function sameTime(a: Date | null, b: Date | null): boolean {
  return (a?.getTime() ?? null) === (b?.getTime() ?? null);
}
