import 'reflect-metadata';
import { CourseModule } from '@coursehub/course';
import { runMigrationsMain } from '@coursehub/messaging';

/**
 * Migrates the course database and exits: what the chart's pre-install/pre-upgrade Job runs
 * (`node dist/apps/course/src/migrate.js`) when the service itself starts with DATABASE_MIGRATIONS=skip.
 */
runMigrationsMain('course', [CourseModule.register()]);
