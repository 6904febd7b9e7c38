import 'reflect-metadata';
import { AuthModule } from '@coursehub/auth';
import { runMigrationsMain } from '@coursehub/messaging';

/**
 * Migrates the auth database and exits: what the chart's pre-install/pre-upgrade Job runs
 * (`node dist/apps/auth/src/migrate.js`) when the service itself starts with DATABASE_MIGRATIONS=skip.
 */
runMigrationsMain('auth', [AuthModule.register()]);
