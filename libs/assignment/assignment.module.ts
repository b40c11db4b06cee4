import { Module } from '@nestjs/common';
import { AssignmentService } from './assignment.service.js';
import { LoadCounters } from './load-counters.js';

@Module({ providers: [AssignmentService, LoadCounters], exports: [AssignmentService, LoadCounters] })
export class AssignmentModule {}
