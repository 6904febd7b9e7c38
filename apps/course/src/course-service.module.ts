import {
  CoreModule,
  coreEnvSchema,
  DatabaseConnectionsModule,
  databaseEnvSchema,
  jwtVerifierEnvSchema,
} from '@coursehub/core';
import { courseEnvSchema, CourseModule } from '@coursehub/course';
import { kafkaEnvSchema, MessagingModule, TransportKind } from '@coursehub/messaging';
import { Module, Type } from '@nestjs/common';

export const courseServiceEnvSchema = coreEnvSchema
  .extend(databaseEnvSchema.shape)
  .extend(jwtVerifierEnvSchema.shape)
  .extend(kafkaEnvSchema.shape)
  .extend(courseEnvSchema.shape);

/**
 * The course microservice root: the course feature on its own database, talking over `transport`
 * (Kafka when deployed; the in-process transport lets tests run the same root without a broker).
 */
export function courseServiceModule(transport: TransportKind): Type<unknown> {
  @Module({
    imports: [
      CoreModule.forRoot({ envSchema: courseServiceEnvSchema }),
      DatabaseConnectionsModule.fromEnv(),
      MessagingModule.forRoot({ serviceName: 'course', transport }),
      CourseModule,
    ],
  })
  class CourseServiceModule {}
  return CourseServiceModule;
}

/** The deployed course microservice: Kafka between services. */
export const CourseServiceModule = courseServiceModule('kafka');
