import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuthService } from '../../../../libs/auth/auth.service.js';
import { CurrentActor, Public, StaffOnly } from '../http/decorators.js';
import type { Actor } from '../../../../libs/access/actor.js';
import { DomainError } from '../../../../libs/common/domain-error.js';
import { LoginDto } from './auth.dto.js';
import { LoginResultDto, MeDto } from './auth.responses.js';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('auth/login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in as staff; returns a bearer access token' })
  @ApiOkResponse({ type: LoginResultDto })
  @ApiUnauthorizedResponse({ description: 'Email or password is wrong' })
  @ApiTooManyRequestsResponse({
    description:
      'Too many failed logins for this email from this address (or from this address at all); wait the Retry-After seconds (backoff doubles with each further failure)',
  })
  login(@Body() dto: LoginDto, @Req() req: FastifyRequest) {
    return this.auth.login(dto.email, dto.password, req.ip);
  }

  @Get('me')
  @StaffOnly()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The logged-in staff member' })
  @ApiOkResponse({ type: MeDto })
  @ApiForbiddenResponse({ description: 'API keys have no profile' })
  me(@CurrentActor() actor: Actor) {
    if (actor.kind !== 'staff') throw DomainError.forbidden('GET /me is for staff; API keys have no profile');
    return this.auth.me(actor);
  }
}
