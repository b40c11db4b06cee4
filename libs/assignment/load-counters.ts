import { Injectable } from '@nestjs/common';
import { DEFAULT_LOAD_COUNTERS, type LoadCounter, type WorkItemKind } from './assignment.contract.js';

/**
 * How each kind of work item is counted against an advisor's capacity (SQL over the staff row `s`), one registry per
 * application, provided and exported by AssignmentModule. A context that owns a kind's table registers its counter
 * when its module starts (TicketsModule for 'ticket'); nothing is patched at import time.
 */
@Injectable()
export class LoadCounters {
  private readonly counters = new Map<WorkItemKind, LoadCounter>(Object.entries(DEFAULT_LOAD_COUNTERS) as Array<[WorkItemKind, LoadCounter]>);

  register(kind: WorkItemKind, counter: LoadCounter): void {
    this.counters.set(kind, counter);
  }

  get(kind: WorkItemKind): LoadCounter {
    return this.counters.get(kind)!;
  }
}
