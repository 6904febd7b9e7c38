export * from './types';
export { RecommendationModel, reasonText } from './recommendation-model';
export {
  fitTfIdf,
  inverseDocumentFrequency,
  stem,
  STOP_WORDS,
  termCounts,
  tfIdfVector,
  tfIdfVectors,
  tokenize,
  words,
} from './text-features';
export type { SparseVector, TermCounts, TfIdfStatistics, WeightedField } from './text-features';
export {
  binaryCosine,
  cosineSimilarity,
  dotProduct,
  intersectionSize,
  jaccardIndex,
  l2Norm,
  setCosine,
  setJaccard,
  sharedTerms,
  supportWeight,
} from './similarity';
