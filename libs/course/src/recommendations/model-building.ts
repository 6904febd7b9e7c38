import { resolveOptions } from './model-options';
import { courseDocument, ModelState } from './model-state';
import { recomputeCollaborative, recomputeContent, recomputeHybrid } from './neighbour-scoring';
import { fitTfIdf } from './text-features';
import type { RecommendationData, RecommendationModelOptions } from './types';

/**
 * The full build: TF-IDF fitted on the whole catalogue, the enrolments and co-enrolment counts,
 * then every course's neighbour lists and popularity. Later duplicates of a course id win.
 */
export function buildModelState(data: RecommendationData, options: RecommendationModelOptions): ModelState {
  const resolved = resolveOptions(options);
  const courses = [...new Map(data.courses.map((course) => [course.id, course])).values()];
  const documents = courses.map((course) => courseDocument(course, resolved.fieldWeights));
  const state = new ModelState(resolved, fitTfIdf(documents.map((document) => document.counts)));
  courses.forEach((course, index) => state.addCourse(course, documents[index]));

  for (const enrolment of data.enrolments) {
    const record = state.byId.get(enrolment.courseId);
    if (!record) {
      state.ignoredEnrolments++;
      continue;
    }
    let owned = state.users.get(enrolment.userId);
    if (!owned) {
      owned = new Set();
      state.users.set(enrolment.userId, owned);
    }
    if (owned.has(record.index)) continue;
    owned.add(record.index);
    record.enrolled++;
    state.enrolmentTotal++;
  }
  for (const owned of state.users.values()) {
    const indexes = [...owned];
    for (let i = 0; i < indexes.length; i++) {
      for (let j = i + 1; j < indexes.length; j++) state.bumpCoEnrolment(indexes[i], indexes[j], 1);
    }
  }

  for (const record of state.records) {
    recomputeCollaborative(state, record);
    recomputeContent(state, record);
    recomputeHybrid(state, record);
    state.refreshPopularity(record);
  }
  return state;
}
