import { Module } from '@nestjs/common';
import { TicketsModule } from '../tickets/tickets.module.js';
import { LearnersRepository } from './learners.repository.js';
import { LearnersService } from './learners.service.js';
import { PartitionsService } from './partitions.service.js';
import { SyncRepository } from './sync.repository.js';
import { SyncService } from './sync.service.js';

@Module({
  imports: [TicketsModule],
  providers: [SyncRepository, SyncService, LearnersRepository, LearnersService, PartitionsService],
  exports: [SyncService, LearnersService, PartitionsService],
})
export class LearnersModule {}
