import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ClsModule } from 'nestjs-cls';
import { z } from 'zod';
import { AccessTokenVerificationModule } from './auth';
import { parseEnv } from './config';
import { HealthModule } from './health';
import { LoggingModule } from './logging';
import { MetricsModule } from './metrics';
import { PrivacyModule } from './privacy';

export interface CoreModuleOptions {
  /** The app's whole environment schema: core variables plus those of the features it composes. */
  envSchema: z.ZodObject;
  /** Environment to validate; defaults to `process.env` (tests pass their own). */
  env?: Record<string, string | undefined>;
}

/** Cross-cutting infrastructure every CourseHub app composes exactly once, in its root module. */
@Module({})
export class CoreModule {
  static forRoot(options: CoreModuleOptions): DynamicModule {
    // Parsed when the app is created (not when the module file is imported), so tests and the
    // platform can prepare the environment first; a bad value fails app creation with its name.
    const loadEnv = (): Record<string, unknown> => parseEnv(options.envSchema, options.env ?? process.env);
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, ignoreEnvVars: true, load: [loadEnv] }),
        // Async context for feature database transactions (FeatureTransactions); each feature
        // database registers its transactional plugin on it.
        ClsModule.forRoot({ global: true }),
        LoggingModule,
        HealthModule,
        MetricsModule,
        AccessTokenVerificationModule,
        PrivacyModule,
      ],
    };
  }
}
