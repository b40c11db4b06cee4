import { ApiProperty } from '@nestjs/swagger';
import { StaffViewDto } from '../staff/staff.dto.js';

export class LoginResultDto {
  @ApiProperty({
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI1ZDFlOGY3YSJ9.c2lnbmF0dXJl',
    description: 'send as `Authorization: Bearer <accessToken>`',
  })
  accessToken: string;
  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' }) tokenType: 'Bearer';
  @ApiProperty({ example: 3600, description: 'seconds until the token expires' }) expiresIn: number;
  @ApiProperty({ type: StaffViewDto }) staff: StaffViewDto;
}

export class MeDto extends StaffViewDto {
  @ApiProperty({ type: [String], format: 'uuid', description: 'teams this person works in or supervises' }) teamIds: string[];
}
