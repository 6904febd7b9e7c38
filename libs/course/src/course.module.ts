import { FeatureModule, defineFeature } from '@coursehub/messaging';
import { Module } from '@nestjs/common';
import { COURSE_FEATURE } from './course.constants';
import { courseEnvSchema } from './course.env';
import { CourseEntity } from './data/course.entity';
import { CoursesRepository } from './data/courses.repository';
import { EnrolmentEntity } from './data/enrolment.entity';
import { EnrolmentsRepository } from './data/enrolments.repository';
import { LessonEntity } from './data/lesson.entity';
import { LessonsRepository } from './data/lessons.repository';
import { SectionEntity } from './data/section.entity';
import { SectionsRepository } from './data/sections.repository';
import { RecommendationSnapshotsRepository } from './data/recommendation-snapshots.repository';
import { ReviewEntity } from './data/review.entity';
import { ReviewsRepository } from './data/reviews.repository';
import { CertificateEntity } from './data/certificate.entity';
import { CertificatesRepository } from './data/certificates.repository';
import { LearnerProgressEntity, LessonCompletionEntity } from './data/progress.entity';
import { ProgressRepository } from './data/progress.repository';
import { UserProfileEntity } from './data/user-profile.entity';
import { UserProfilesRepository } from './data/user-profiles.repository';
import { CreateCourseTables1763900000000 } from './data/migrations/1763900000000-create-course-tables';
import { CatalogueSearchAndVersions1764400000000 } from './data/migrations/1764400000000-catalogue-search-and-versions';
import { CreateRecommendationSnapshots1765000000000 } from './data/migrations/1765000000000-create-recommendation-snapshots';
import { CreateCurriculumTables1765100000000 } from './data/migrations/1765100000000-create-curriculum-tables';
import { CreateProgressTables1765200000000 } from './data/migrations/1765200000000-create-progress-tables';
import { CreateReviews1765300000000 } from './data/migrations/1765300000000-create-reviews';
import { CoursesService } from './domain/courses.service';
import { CurriculumAuthoringService } from './domain/curriculum-authoring.service';
import { CurriculumService } from './domain/curriculum.service';
import { EnrolmentsService } from './domain/enrolments.service';
import { RecommendationModelService } from './domain/recommendation-model.service';
import { RecommendationsService } from './domain/recommendations.service';
import { ReviewsService } from './domain/reviews.service';
import { CertificatesService } from './domain/certificates.service';
import { LearnersService } from './domain/learners.service';
import { ProgressService } from './domain/progress.service';
import { CertificatesController } from './http/certificates.controller';
import { ProgressController } from './http/progress.controller';
import { CoursesController } from './http/courses.controller';
import { ReviewsController } from './http/reviews.controller';
import { CurriculumController } from './http/curriculum.controller';
import { LessonsController } from './http/lessons.controller';
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
        entities: [
          CourseEntity,
          EnrolmentEntity,
          SectionEntity,
          LessonEntity,
          ReviewEntity,
          LessonCompletionEntity,
          LearnerProgressEntity,
          CertificateEntity,
          UserProfileEntity,
        ],
        migrations: [
          CreateCourseTables1763900000000,
          CatalogueSearchAndVersions1764400000000,
          CreateRecommendationSnapshots1765000000000,
          CreateCurriculumTables1765100000000,
          CreateProgressTables1765200000000,
          CreateReviews1765300000000,
        ],
      },
      consumesMessages: true,
      controllers: [
        CoursesController,
        ReviewsController,
        CurriculumController,
        LessonsController,
        ProgressController,
        CertificatesController,
        CourseMessageHandlers,
      ],
      providers: [
        CoursesRepository,
        EnrolmentsRepository,
        RecommendationSnapshotsRepository,
        SectionsRepository,
        LessonsRepository,
        ReviewsRepository,
        ProgressRepository,
        CertificatesRepository,
        UserProfilesRepository,
        CoursesService,
        CurriculumService,
        CurriculumAuthoringService,
        EnrolmentsService,
        RecommendationModelService,
        RecommendationsService,
        ReviewsService,
        ProgressService,
        CertificatesService,
        LearnersService,
      ],
    });
  }
}
