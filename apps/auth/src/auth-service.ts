// First: starts tracing (when configured) before the modules it instruments are loaded.
import '@coursehub/core/start-tracing';
import 'reflect-metadata';
import { AuthModule } from '@coursehub/auth';
import { sizeThreadpoolForHashing } from '@coursehub/core';
import { createRootModule, runMain, startApp } from '@coursehub/messaging';

// Before anything starts libuv's threadpool: argon2 hashes there, beside fs and DNS work.
sizeThreadpoolForHashing();

/** The auth microservice: one feature on its own infrastructure, Kafka between services. */
runMain(() =>
  startApp(createRootModule({ service: 'auth', transport: 'kafka', features: [AuthModule.register()] }), {
    title: 'CourseHub auth service',
  }),
);
