import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { TICKET_CATEGORIES } from '../../../../libs/tickets/ticket.types.js';
import { PageQueryDto } from '../http/pagination.dto.js';
import { Optional } from '../http/optional.js';

export class CreateKbArticleDto {
  @ApiProperty({ example: '如何重置密码' }) @IsString() @MinLength(1) @MaxLength(500) title: string;
  @ApiProperty({ example: '在登录页点击“忘记密码”，按短信验证码设置新密码。' }) @IsString() @MinLength(1) @MaxLength(50000) body: string;
  @ApiPropertyOptional({ type: [String], example: ['account', '密码'] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  tags?: string[];
}

export class UpdateKbArticleDto {
  @ApiPropertyOptional({ example: '如何重置密码' }) @Optional() @IsString() @MinLength(1) @MaxLength(500) title?: string;
  @ApiPropertyOptional({ example: '在登录页点击“忘记密码”，按短信验证码设置新密码。' }) @Optional() @IsString() @MinLength(1) @MaxLength(50000) body?: string;
  @ApiPropertyOptional({ example: ['account', '密码'], type: [String] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  tags?: string[];
}

export class SearchKbQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '密码 忘记', description: 'search text, Chinese or English' }) @Optional() @IsString() @MaxLength(2000) q?: string;
  @ApiPropertyOptional({ example: 'account' }) @Optional() @IsString() @MaxLength(100) tag?: string;
  @ApiPropertyOptional({ enum: TICKET_CATEGORIES, description: 'rank articles that answered tickets of this category higher' })
  @Optional()
  @IsIn(TICKET_CATEGORIES)
  category?: (typeof TICKET_CATEGORIES)[number];
}
