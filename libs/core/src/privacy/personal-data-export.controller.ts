import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser } from '../auth/decorators';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { PersonalDataExports } from './personal-data-exports';

@ApiTags('privacy')
@Controller('me')
export class PersonalDataExportController {
  constructor(private readonly exports: PersonalDataExports) {}

  @Get('export')
  @Authenticated()
  // Personal data: never kept by a shared cache.
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Everything this deployment holds about you (GDPR art. 15/20)',
    description:
      'One section per feature of this process: a service answers with its own, the platform with ' +
      'auth, course, order and email in one document.',
  })
  @ApiOkResponse({
    schema: {
      example: {
        userId: '7f1c2a9e-3b1d-4c55-9f0e-2a6b8d4e1c30',
        exportedAt: '2026-11-29T10:00:00.000Z',
        auth: { profile: { email: 'ada@example.com', displayName: 'Ada' }, sessions: [] },
        order: { orders: [] },
      },
    },
  })
  async export(@CurrentUser() user: AuthenticatedUser): Promise<Record<string, unknown>> {
    const sections = await this.exports.exportFor(user.id);
    return { userId: user.id, exportedAt: new Date().toISOString(), ...sections };
  }
}
