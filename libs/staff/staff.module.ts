import { Module } from '@nestjs/common';
import { StaffRepository } from './staff.repository.js';
import { StaffService } from './staff.service.js';

@Module({ providers: [StaffRepository, StaffService], exports: [StaffRepository, StaffService] })
export class StaffModule {}
