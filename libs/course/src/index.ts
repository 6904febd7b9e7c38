export { COURSE_FEATURE } from './course.constants';
export { CourseModule } from './course.module';
