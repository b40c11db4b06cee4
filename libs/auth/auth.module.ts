import { Module } from '@nestjs/common';
import { StaffModule } from '../staff/staff.module.js';
import { ApiClientsService } from './api-clients.service.js';
import { ApiClientsRepository } from './api-clients.repository.js';
import { AuthService } from './auth.service.js';
import { LoginFailuresRepository } from './login-failures.repository.js';
import { TokenService } from './token.service.js';

@Module({
  imports: [StaffModule],
  providers: [AuthService, ApiClientsService, ApiClientsRepository, LoginFailuresRepository, TokenService],
  exports: [AuthService, ApiClientsService, TokenService],
})
export class AuthModule {}
