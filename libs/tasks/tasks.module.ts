import { Module } from '@nestjs/common';
import { AssignmentModule } from '../assignment/assignment.module.js';
import { DueNoticesService } from './due-notices.service.js';
import { FirstWeekRepository } from './first-week.repository.js';
import { FirstWeekScheduler } from './first-week.scheduler.js';
import { LearnerEventsRepository } from '../learners/learner-events.repository.js';
import { RemindersService } from './reminders.service.js';
import { TasksRepository } from './tasks.repository.js';
import { TasksService } from './tasks.service.js';

@Module({
  imports: [AssignmentModule],
  // LearnerEventsRepository: the learners context's record of reminders sent (one per absence).
  providers: [LearnerEventsRepository, TasksRepository, TasksService, FirstWeekRepository, FirstWeekScheduler, RemindersService, DueNoticesService],
  exports: [TasksService, FirstWeekScheduler, RemindersService, DueNoticesService],
})
export class TasksModule {}
