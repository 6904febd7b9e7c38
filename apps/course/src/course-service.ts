// First: starts tracing (when configured) before the modules it instruments are loaded.
import '@coursehub/core/start-tracing';
import 'reflect-metadata';
import { CourseModule } from '@coursehub/course';
import { createRootModule, runMain, startApp } from '@coursehub/messaging';

/** The course microservice: one feature on its own infrastructure, Kafka between services. */
runMain(() =>
  startApp(createRootModule({ service: 'course', transport: 'kafka', features: [CourseModule.register()] }), {
    title: 'CourseHub course service',
  }),
);
