import type { ComponentType } from 'react';

/** What a call dialog needs to know of the task it is about (a queue row or a case's task). */
export interface TaskRef {
  id: string;
  kind: string;
  dayIndex: number | null;
  dueAt: string | null;
  learnerName: string;
}

export interface OutcomeDialogProps {
  task: TaskRef;
  /** Show "Save and next" (the queue has a task after this one). */
  hasNext?: boolean;
  onClose(): void;
  /** After the API accepted the outcome; `next` when the person chose "Save and next". */
  onSaved(then: 'close' | 'next'): void;
}

export interface RescheduleDialogProps {
  task: TaskRef;
  onClose(): void;
  onSaved(): void;
}

export type OutcomeDialogComponent = ComponentType<OutcomeDialogProps>;
export type RescheduleDialogComponent = ComponentType<RescheduleDialogProps>;
