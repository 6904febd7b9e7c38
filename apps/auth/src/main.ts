import 'reflect-metadata';
import { AuthModule } from '@coursehub/auth';
import { createRootModule, runMain, startApp } from '@coursehub/messaging';

/** The auth microservice: one feature on its own infrastructure, Kafka between services. */
runMain(() =>
  startApp(createRootModule({ service: 'auth', transport: 'kafka', features: [AuthModule.register()] }), {
    title: 'CourseHub auth service',
  }),
);
