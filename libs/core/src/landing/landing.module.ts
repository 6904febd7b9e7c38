import { DynamicModule, Global, Module } from '@nestjs/common';
import { LandingController } from './landing.controller';
import { LANDING_OPTIONS, LandingOptions, LandingState } from './landing-state';

/**
 * The page at `/` of every CourseHub app (registered by createRootModule): what the process runs,
 * links to the docs, probes, metrics and (platform) the dev mailbox, and a short "try it" list.
 * `LandingState` is global so the root can report background work (demo seeding) on it.
 */
@Global()
@Module({})
export class LandingModule {
  static forRoot(options: LandingOptions): DynamicModule {
    return {
      module: LandingModule,
      controllers: [LandingController],
      providers: [{ provide: LANDING_OPTIONS, useValue: options }, LandingState],
      exports: [LandingState],
    };
  }
}
