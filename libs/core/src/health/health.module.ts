import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DependencyMonitor } from './dependency-monitor';
import { HealthController } from './health.controller';
import { ReadinessRegistry } from './readiness-registry';

@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [ReadinessRegistry, DependencyMonitor],
  exports: [ReadinessRegistry, DependencyMonitor],
})
export class HealthModule {}
