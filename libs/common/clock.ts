import { Injectable } from '@nestjs/common';

/** The one source of "now" for business code, so tests can fix the clock. */
@Injectable()
export class Clock {
  private fixed: Date | undefined;
  now(): Date {
    return this.fixed ? new Date(this.fixed) : new Date();
  }
  /** Tests only: freeze time (undefined unfreezes). */
  set(at: Date | undefined): void {
    this.fixed = at ? new Date(at) : undefined;
  }
}
