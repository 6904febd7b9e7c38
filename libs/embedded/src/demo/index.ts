export { buildDemoPlan } from './demo-plan';
export {
  buildDemoLearningPlan,
  type DemoLearningPlan,
  type DemoLessonInput,
  type DemoSectionPlan,
  type DemoStudyPlan,
} from './demo-learning';
export { DEMO_CATEGORIES, DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, type DemoCategory } from './demo-catalogue';
export {
  DEMO_SEED_CREDENTIAL_REQUESTS,
  type DemoSeedOptions,
  type DemoSeedSummary,
  seedDemoData,
  SKIPPED_DEMO_SEED,
} from './seed-demo-data';
