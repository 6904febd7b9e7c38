import { ErrorResponseDto } from '@coursehub/core';
import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CertificatesService } from '../domain/certificates.service';
import { CertificateDto, toCertificateDto } from './progress.dto';

/** Public verification of course-completion certificates. */
@ApiTags('certificates')
@Controller('certificates')
export class CertificatesController {
  constructor(private readonly certificates: CertificatesService) {}

  @Get(':certificateId')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({
    summary: 'Verify a certificate (public, no token)',
    description: 'Who completed which course when, and who taught it.',
  })
  @ApiParam({ name: 'certificateId', format: 'uuid' })
  @ApiOkResponse({ type: CertificateDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such certificate.' })
  async get(@Param('certificateId') certificateId: string): Promise<CertificateDto> {
    return toCertificateDto(await this.certificates.publicView(certificateId));
  }
}
