import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A link of the landing summary: `path` on this process (the example as on the default port). */
const LinkProperty = (path: string, description: string, required = true) =>
  ApiProperty({ example: `http://localhost:3000${path}`, description, required });

export class LandingLinksDto {
  @LinkProperty('/docs', 'Interactive API documentation.')
  docs!: string;

  @LinkProperty('/docs-json', 'The OpenAPI document.')
  openapi!: string;

  @LinkProperty('/health/ready', 'Readiness probe.')
  ready!: string;

  @LinkProperty('/metrics', 'Prometheus metrics.')
  metrics!: string;

  @LinkProperty('/dev/mailbox', 'The e-mails this process sent (embedded platform only).', false)
  mailbox?: string;
}

export class LandingAdminDto {
  @ApiProperty({ example: 'admin@coursehub.local' })
  email!: string;

  @ApiPropertyOptional({
    example: '/home/you/coursehub/data/admin-password',
    description: 'Where the generated password is kept (absent when ADMIN_PASSWORD was given).',
  })
  passwordFile?: string;
}

export class BackgroundTaskDto {
  @ApiProperty({ example: 'demo data' })
  name!: string;

  @ApiProperty({ enum: ['running', 'done', 'failed'], example: 'running' })
  status!: 'running' | 'done' | 'failed';

  @ApiPropertyOptional({ example: '42 courses, 40 students, 195 orders' })
  detail?: string;
}

export class TryItStepDto {
  @ApiProperty({ example: 'Browse the catalogue' })
  title!: string;

  @ApiProperty({ example: "curl -s 'http://localhost:3000/courses?limit=5'" })
  command!: string;
}

/** `GET /` with `Accept: application/json`. */
export class LandingSummaryDto {
  @ApiProperty({ example: 'platform', description: 'Which CourseHub process answers.' })
  service!: string;

  @ApiProperty({ type: [String], example: ['auth', 'course', 'order', 'email'] })
  features!: string[];

  @ApiProperty({ example: 'in-process', description: '`in-process` (one process) or `kafka`.' })
  transport!: string;

  @ApiProperty({ type: LandingLinksDto })
  links!: LandingLinksDto;

  @ApiPropertyOptional({ type: LandingAdminDto, description: 'The first admin (platform).' })
  admin?: LandingAdminDto;

  @ApiPropertyOptional({ example: '/home/you/coursehub/data' })
  dataDir?: string;

  @ApiProperty({
    type: [String],
    example: ['PostgreSQL: embedded PGlite per feature in /home/you/coursehub/data/postgres'],
  })
  infrastructure!: string[];

  @ApiProperty({
    type: [BackgroundTaskDto],
    description: 'Work still going on (or finished) since start-up.',
  })
  background!: BackgroundTaskDto[];

  @ApiProperty({ type: [TryItStepDto], description: 'A 30-second tour, as curl commands.' })
  tryIt!: TryItStepDto[];
}
