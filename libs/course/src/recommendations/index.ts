/*
 * The recommender's public API (`@coursehub/course/recommendations`): the model and the types of
 * its calls, for the course service, the benchmark and the offline evaluation. How it computes
 * (TF-IDF, similarity measures, neighbour lists) stays inside.
 */
export { RecommendationModel } from './recommendation-model';
export { buildInWorker } from './build-in-worker';
export type {
  WorkerBuild,
  WorkerBuildFigures,
  WorkerBuildLimits,
  WorkerBuildResult,
} from './build-in-worker';
export { SNAPSHOT_VERSION } from './model-snapshot';
export type { ModelSnapshot } from './model-snapshot';
export type {
  CollaborativeMeasure,
  CourseFeatures,
  CourseStatus,
  Enrolment,
  FieldWeights,
  LearnerSignalRow,
  Recommendation,
  RecommendationData,
  RecommendationModelOptions,
  RecommendationModelStats,
  RecommendationReason,
  RecommendationStrategy,
  RecommendOptions,
  SimilarOptions,
} from './types';
