import { ApiProperty } from '@nestjs/swagger';
import { TICKET_CATEGORIES, TICKET_PRIORITIES, TICKET_STATUSES } from '../../../../libs/tickets/ticket.types.js';
import { KbSuggestionDto } from '../kb/kb.responses.js';
import { pageOf } from '../openapi.js';

const SLA_STATES = ['on_track', 'warning', 'breached', 'met'];

export class SlaStatusDto {
  @ApiProperty({ type: String, enum: SLA_STATES, nullable: true, description: 'null when no SLA policy applies' }) firstResponse: string | null;
  @ApiProperty({ type: String, enum: SLA_STATES, nullable: true }) resolution: string | null;
}

export class TicketViewDto {
  @ApiProperty({ format: 'uuid', example: 'e7d5c3b1-2a4f-4e6d-8c0b-9a1f3e5d7c2b' }) id: string;
  @ApiProperty({ type: String, nullable: true, example: 'zendesk-88123', description: 'id in the source system' }) externalId: string | null;
  @ApiProperty({ format: 'uuid' }) learnerId: string;
  @ApiProperty({ example: 'stu-000123' }) learnerExternalId: string;
  @ApiProperty({ example: 'Wang Fang' }) learnerName: string;
  @ApiProperty({ enum: TICKET_CATEGORIES }) category: string;
  @ApiProperty({ enum: TICKET_PRIORITIES }) priority: string;
  @ApiProperty({ example: '视频无法播放' }) subject: string;
  @ApiProperty({ example: '第三课的视频一直在加载。' }) body: string;
  @ApiProperty({ enum: TICKET_STATUSES }) status: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: in the team pool' }) assigneeId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) teamId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) slaPolicyId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) firstResponseDueAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) firstRespondedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolutionDueAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolvedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'set while the resolution clock is stopped (pending on the learner)' })
  slaPausedSince: string | null;
  @ApiProperty({ example: 0, description: 'business minutes the resolution clock was paused' }) pausedBusinessMinutes: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) escalatedAt: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) escalatedToId: string | null;
  @ApiProperty({ type: SlaStatusDto }) slaStatus: SlaStatusDto;
}

export class TicketPageDto extends pageOf(TicketViewDto, 'TicketPageBase') {}

export class TicketMessageDto {
  @ApiProperty({ example: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b' }) id: string;
  @ApiProperty({ enum: ['staff', 'learner', 'system'] }) authorType: string;
  @ApiProperty({ type: String, nullable: true }) authorId: string | null;
  @ApiProperty({ example: '请先清除浏览器缓存再试一次。' }) body: string;
  @ApiProperty({ example: false, description: 'internal notes are never shown to integrations' }) internal: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) kbArticleId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class TicketDetailDto extends TicketViewDto {
  @ApiProperty({ type: [TicketMessageDto], description: 'oldest first' }) messages: TicketMessageDto[];
  @ApiProperty({ type: [KbSuggestionDto], description: 'knowledge-base articles that may answer it' }) suggestedArticles: KbSuggestionDto[];
}

export class TicketListDto {
  @ApiProperty({ type: [TicketViewDto], description: 'the tickets moved, as they are now' }) items: TicketViewDto[];
}

export class TicketRouteViewDto {
  @ApiProperty({ enum: TICKET_CATEGORIES }) category: string;
  @ApiProperty({ format: 'uuid' }) teamId: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
