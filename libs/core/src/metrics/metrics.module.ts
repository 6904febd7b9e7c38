import { Module } from '@nestjs/common';
import { recordBuildInfo } from './build-info';
import { MetricsController } from './metrics.controller';
import { ensureDefaultMetrics } from './registry';

@Module({ controllers: [MetricsController] })
export class MetricsModule {
  constructor() {
    ensureDefaultMetrics();
    recordBuildInfo();
  }
}
