import { Module } from '@nestjs/common';
import { StaffRepository } from './staff.repository.js';
import { StaffService } from './staff.service.js';
import { TeamBoardRepository } from './team-board.repository.js';
import { TeamBoardService } from './team-board.service.js';

const PROVIDERS = [StaffRepository, StaffService, TeamBoardRepository, TeamBoardService];

@Module({ providers: PROVIDERS, exports: PROVIDERS })
export class StaffModule {}
