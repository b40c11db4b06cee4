import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { pageOf } from '../openapi.js';

export class KbArticleViewDto {
  @ApiProperty({ format: 'uuid', example: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' }) id: string;
  @ApiProperty({ example: '如何重置密码' }) title: string;
  @ApiProperty({ example: '在登录页点击“忘记密码”，按短信验证码设置新密码。' }) body: string;
  @ApiProperty({ type: [String], example: ['account', '密码'] }) tags: string[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) createdBy: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiPropertyOptional({ example: 7, description: 'times used as a ticket reply (in the searched category when one is given)' }) uses?: number;
  @ApiPropertyOptional({ example: 1.732, description: 'match score of a text search' }) score?: number;
}

export class KbArticlePageDto extends pageOf(KbArticleViewDto, 'KbArticlePageBase') {}

export class KbArticleDetailDto extends KbArticleViewDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { account: 5, technical: 2 },
    description: 'ticket replies per ticket category',
  })
  usesByCategory: Record<string, number>;
}

export class KbSuggestionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '如何重置密码' }) title: string;
  @ApiProperty({ type: [String], example: ['account'] }) tags: string[];
  @ApiProperty({ example: 1.2, description: 'match score against the ticket text' }) score: number;
  @ApiProperty({ example: 5, description: 'times it answered tickets of this category' }) uses: number;
}
