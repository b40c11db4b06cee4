import { ApiProperty } from '@nestjs/swagger';
import { API_SCOPES } from '../../../../libs/access/roles.js';

export class ApiClientViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'LMS sync' }) name: string;
  @ApiProperty({ enum: API_SCOPES, isArray: true, example: ['sync:write', 'read'] }) scopes: string[];
  @ApiProperty({ example: 'cl_Xk3f', description: 'the first characters of the key, to tell keys apart' }) keyPrefix: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'set once revoked; the key no longer works' }) revokedAt: string | null;
}

export class ApiClientCreatedDto extends ApiClientViewDto {
  @ApiProperty({ example: 'cl_Xk3fQ0m9yZ2d8l1VbT7wR4sN6uJ5hC0aE9gK2pL3oI8', description: 'the API key: shown in this response only, store it now' })
  key: string;
}
