// First: starts tracing (when configured) before the modules it instruments are loaded.
import '@coursehub/core/start-tracing';
import 'reflect-metadata';
import { EmailModule } from '@coursehub/email';
import { createRootModule, runMain, startApp } from '@coursehub/messaging';

/** The email microservice: one feature on its own infrastructure, Kafka between services. */
runMain(() =>
  startApp(createRootModule({ service: 'email', transport: 'kafka', features: [EmailModule.register()] }), {
    title: 'CourseHub e-mail service',
  }),
);
