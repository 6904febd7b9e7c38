import { FeatureDatabaseModule } from '@coursehub/core';
import { messagingEntities, messagingMigrations, OutboxRelayModule } from '@coursehub/messaging';
import { Module } from '@nestjs/common';
import { COURSE_DATA_SOURCE } from './course.constants';
import { CourseEntity } from './courses/course.entity';
import { CoursesController } from './courses/courses.controller';
import { CoursesService } from './courses/courses.service';
import { EnrolmentEntity } from './enrolments/enrolment.entity';
import { EnrolmentsService } from './enrolments/enrolments.service';
import { CourseMessagesController } from './messaging/course-messages.controller';
import { CreateCourseTables1763900000000 } from './migrations/1763900000000-create-course-tables';
import { RecommendationsService } from './recommendations-service/recommendations.service';

/**
 * The course catalogue: courses, search, publishing (with `course.published` through the outbox),
 * enrolments learnt from order events, `course.get` answers and recommendations. The root must
 * import `MessagingModule.forRoot(...)` (outbox, consumer and request interceptors come from it).
 */
@Module({
  imports: [
    FeatureDatabaseModule.register({
      name: COURSE_DATA_SOURCE,
      entities: [CourseEntity, EnrolmentEntity, ...messagingEntities],
      migrations: [...messagingMigrations, CreateCourseTables1763900000000],
    }),
    OutboxRelayModule.forDataSource(COURSE_DATA_SOURCE),
  ],
  controllers: [CoursesController, CourseMessagesController],
  providers: [CoursesService, EnrolmentsService, RecommendationsService],
  exports: [CoursesService, RecommendationsService],
})
export class CourseModule {}
