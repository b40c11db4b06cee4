import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../http/decorators.js';
import { DomainError, ErrorCode } from '../../../../libs/common/domain-error.js';
import { RedisProbe } from './redis-probe.service.js';
import { LiveDto, ReadyDto } from './ops.responses.js';

@ApiTags('ops')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisProbe,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  @ApiOkResponse({ type: LiveDto })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'PostgreSQL and Redis answer; 503 naming what is down otherwise' })
  @ApiOkResponse({ type: ReadyDto })
  @ApiServiceUnavailableResponse({ description: 'PostgreSQL or Redis is down (details name which)', schema: { $ref: '#/components/schemas/Error' } })
  async ready() {
    const checks = [
      () => this.db.pingCheck('database').withTimeout(2000),
      () =>
        this.indicators
          .check('redis')
          .attempt(() => this.redis.ping())
          .withTimeout(2000),
    ];
    try {
      const result = await this.health.check(checks);
      return { status: 'ok', checks: result.details };
    } catch (e) {
      const details = (e as { response?: { error?: Record<string, { message?: string }> } }).response?.error ?? {};
      const down = Object.entries(details).map(([field, v]) => ({ field, message: `is down${v?.message ? `: ${v.message}` : ''}` }));
      throw new DomainError(ErrorCode.Unavailable, `Not ready: ${down.map((d) => d.field).join(' and ') || 'a dependency'} down`, down);
    }
  }
}
