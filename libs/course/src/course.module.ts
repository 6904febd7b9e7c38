import { FeatureModule, defineFeature } from '@coursehub/messaging';
import { Module } from '@nestjs/common';
import { COURSE_FEATURE } from './course.constants';
import { courseEnvSchema } from './course.env';
import { CourseEntity } from './data/course.entity';
import { CoursesRepository } from './data/courses.repository';
import { EnrolmentEntity } from './data/enrolment.entity';
import { EnrolmentsRepository } from './data/enrolments.repository';
import { RecommendationSnapshotsRepository } from './data/recommendation-snapshots.repository';
import { CreateCourseTables1763900000000 } from './data/migrations/1763900000000-create-course-tables';
import { CatalogueSearchAndVersions1764400000000 } from './data/migrations/1764400000000-catalogue-search-and-versions';
import { CreateRecommendationSnapshots1765000000000 } from './data/migrations/1765000000000-create-recommendation-snapshots';
import { CoursesService } from './domain/courses.service';
import { EnrolmentsService } from './domain/enrolments.service';
import { RecommendationsService } from './domain/recommendations.service';
import { CoursesController } from './http/courses.controller';
import { CourseMessageHandlers } from './messaging/course-message-handlers';

/**
 * The course catalogue: courses, search, publishing (with `course.published` through the outbox),
 * enrolments learnt from order events, `course.get` answers and recommendations.
 */
@Module({})
export class CourseModule {
  static register(): FeatureModule {
    return defineFeature(CourseModule, {
      name: COURSE_FEATURE,
      envSchema: courseEnvSchema,
      database: {
        entities: [CourseEntity, EnrolmentEntity],
        migrations: [
          CreateCourseTables1763900000000,
          CatalogueSearchAndVersions1764400000000,
          CreateRecommendationSnapshots1765000000000,
        ],
      },
      consumesMessages: true,
      controllers: [CoursesController, CourseMessageHandlers],
      providers: [
        CoursesRepository,
        EnrolmentsRepository,
        RecommendationSnapshotsRepository,
        CoursesService,
        EnrolmentsService,
        RecommendationsService,
      ],
    });
  }
}
