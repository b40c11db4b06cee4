/**
 * The time split of the learned risk model (docs/admins.md "Learned risk"). Every labelled row is an active
 * enrolment at the end of a school day with its 30 following days already past. The test set is the most recent
 * such period (4 weeks, four weekly snapshots); the training set is the weekly snapshots before it whose 30-day
 * outcome ends before the test period starts, so nothing of the test period's outcomes is seen in training. The
 * learners are split too: one stable half is tested, the other trained on (RiskRepository LEARNER_HALF).
 */
export const HORIZON_DAYS = 30;
export const SNAPSHOT_STEP_DAYS = 7;
export const TEST_SNAPSHOTS = 4;
export const MAX_TRAIN_SNAPSHOTS = 26;
/** Too little history below these (training set): no model, and the API says why. */
export const MIN_LABELLED_ENROLMENTS = 200;
export const MIN_CHURNED_ENROLMENTS = 20;
/** Too small a test set to judge the model on. */
export const MIN_TEST_ROWS = 50;
export const MIN_TEST_CHURNED = 5;

const DAY_MS = 86_400_000;
const toDay = (iso: string) => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / DAY_MS;
const toIso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

export interface RiskSplit {
  testDays: string[];
  trainDays: string[];
  testPeriod: { from: string; to: string };
  trainingWindow: { from: string; to: string } | null;
}

/**
 * The snapshot days for a model trained on `asOfDay` (the school day of the analytics as-of, itself incomplete),
 * with history from `firstDay` (the first enrolment). Training days need at least one day of history.
 */
export function splitDays(asOfDay: string, firstDay: string | null): RiskSplit {
  const testTo = toDay(asOfDay) - 1 - HORIZON_DAYS;
  const testDays = Array.from({ length: TEST_SNAPSHOTS }, (_, i) => testTo - SNAPSHOT_STEP_DAYS * (TEST_SNAPSHOTS - 1 - i));
  const testFrom = testDays[0];
  // A training day d is labelled by (d, d + 30]: it must end by the day before the test period.
  const trainTo = testFrom - 1 - HORIZON_DAYS;
  const first = firstDay ? toDay(firstDay) : Infinity;
  const trainDays: number[] = [];
  for (let d = trainTo; d > first && trainDays.length < MAX_TRAIN_SNAPSHOTS; d -= SNAPSHOT_STEP_DAYS) trainDays.unshift(d);
  return {
    testDays: testDays.map(toIso),
    trainDays: trainDays.map(toIso),
    testPeriod: { from: toIso(testFrom), to: toIso(testTo) },
    trainingWindow: trainDays.length ? { from: toIso(trainDays[0]), to: toIso(trainDays[trainDays.length - 1]) } : null,
  };
}

/** The days of history a first model needs: the test period, the gap of one horizon, and one training week. */
export const MIN_HISTORY_DAYS = 1 + HORIZON_DAYS + SNAPSHOT_STEP_DAYS * (TEST_SNAPSHOTS - 1) + 1 + HORIZON_DAYS + 1;
