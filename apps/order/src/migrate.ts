import 'reflect-metadata';
import { OrderModule } from '@coursehub/order';
import { runMigrationsMain } from '@coursehub/messaging';

/**
 * Migrates the order database and exits: what the chart's pre-install/pre-upgrade Job runs
 * (`node dist/apps/order/src/migrate.js`) when the service itself starts with DATABASE_MIGRATIONS=skip.
 */
runMigrationsMain('order', [OrderModule.register()]);
