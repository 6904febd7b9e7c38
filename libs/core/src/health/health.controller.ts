import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DependencyMonitor } from './dependency-monitor';
import { ReadinessRegistry } from './readiness-registry';

export const PROBE_TIMEOUT_MS = 2_000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessRegistry,
    private readonly dependencyMonitor: DependencyMonitor,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process is up and its event loop answers.' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) }),
    ]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: what the service cannot serve without (its own database) answers; 503 while not.',
  })
  ready(): Promise<HealthCheckResult> {
    return this.health.check(
      this.readiness.entries().map(
        ([name, probe]) =>
          () =>
            this.indicators.check(name).attempt(probe).withTimeout(PROBE_TIMEOUT_MS),
      ),
    );
  }

  @Get('dependencies')
  @HealthCheck()
  @ApiOperation({
    summary:
      'Dependencies the service works around while they are away (Kafka, SMTP, JWKS); 503 while one is down. ' +
      'Not used for readiness; also exported as the coursehub_dependency_up gauge.',
  })
  dependencies(): Promise<HealthCheckResult> {
    return this.health.check(
      this.readiness.dependencies().map(
        ([name, probe]) =>
          () =>
            this.indicators
              .check(name)
              .attempt(async (options) => {
                try {
                  const details = await probe(options);
                  this.dependencyMonitor.record(name, true);
                  return details;
                } catch (error) {
                  this.dependencyMonitor.record(name, false);
                  throw error;
                }
              })
              .withTimeout(PROBE_TIMEOUT_MS),
      ),
    );
  }
}
