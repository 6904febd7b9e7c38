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
  // Each text is tokenised twice (for the document frequencies, then for its vector) rather than
  // every document kept between the two passes: at 100 000 courses those would be most of the heap.
  const statistics = fitTfIdf(
    (function* () {
      for (const course of courses) yield courseDocument(course, resolved.fieldWeights).counts;
    })(),
  );
  const state = new ModelState(resolved, statistics);
  for (const course of courses) state.addCourse(course, courseDocument(course, resolved.fieldWeights));

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
  }
  state.refreshAllPopularity();
  return state;
}
