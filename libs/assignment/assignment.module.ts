import { Module } from '@nestjs/common';
import { AssignmentRepository } from './assignment.repository.js';
import { AssignmentService } from './assignment.service.js';
import { LoadCounters } from './load-counters.js';

@Module({ providers: [AssignmentService, AssignmentRepository, LoadCounters], exports: [AssignmentService, LoadCounters] })
export class AssignmentModule {}
