export { buildDemoPlan } from './demo-plan';
export { DEMO_CATEGORIES, DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, type DemoCategory } from './demo-catalogue';
export {
  DEMO_SEED_CREDENTIAL_REQUESTS,
  type DemoSeedOptions,
  type DemoSeedSummary,
  seedDemoData,
} from './seed-demo-data';
