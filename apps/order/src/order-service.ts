// First: starts tracing (when configured) before the modules it instruments are loaded.
import '@coursehub/core/start-tracing';
import 'reflect-metadata';
import { OrderModule } from '@coursehub/order';
import { createRootModule, runMain, startApp } from '@coursehub/messaging';

/** The order microservice: one feature on its own infrastructure, Kafka between services. */
runMain(() =>
  startApp(createRootModule({ service: 'order', transport: 'kafka', features: [OrderModule.register()] }), {
    title: 'CourseHub order service',
  }),
);
