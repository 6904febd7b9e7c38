/*
 * Text features for content similarity: tokenisation and TF-IDF as sparse maps.
 *
 * Hand-written rather than taken from an NLP toolkit: what is needed is a tokeniser, a stop-word
 * list and a light plural stemmer (some sixty lines), the toolkits that have them are large, and a
 * Porter-style stemmer would turn the terms we show users in "similar topics: …" into stems
 * ("databas", "machin"). Stemming here only folds plurals, and every term keeps the surface form it
 * was first seen in for display.
 */

/** A sparse vector: term → weight. Vectors built here have their keys in ascending code-unit order. */
export type SparseVector = ReadonlyMap<string, number>;

/** A piece of text and how much each of its terms counts (e.g. tags weigh more than description). */
export interface WeightedField {
  readonly text: string;
  readonly weight: number;
}

/** Weighted term frequencies of one document plus, per term, the word it was first seen as. */
export interface TermCounts {
  readonly counts: ReadonlyMap<string, number>;
  readonly surfaces: ReadonlyMap<string, string>;
}

/** Document frequencies of a fitted corpus. */
export interface TfIdfStatistics {
  readonly documentCount: number;
  readonly documentFrequency: ReadonlyMap<string, number>;
}

/* Common English function words, plus contraction fragments left when an apostrophe is dropped. */
const ENGLISH_STOP_WORDS = `a about above after again against all also am an and any are as at be because been
before being below between both but by can could did do does doing down during each either else etc
ever every few for from further had has have having he her here hers herself him himself his how however
i if in into is it its itself just least less let like made make many may me might more most much must my
myself neither no nor not now of off often on once one only or other our ours ourselves out over own per
rather same shall she should since so some still such than that the their theirs them themselves then there
these they this those though through to too under until up upon us use used using very via was we well were
what when where whether which while who whom whose why will with within without would yet you your yours
yourself yourselves s t d ll m re ve dont doesnt isnt arent wasnt cant wont youre youll youve weve theyre
thats whats lets im ive`;

/* Words every course text uses, which say nothing about its topic ("learning" stays: machine learning). */
const COURSE_STOP_WORDS = `course courses lesson lessons lecture lectures student students learner learners
learn chapter chapters video videos hour hours week weeks`;

/** The stop words dropped by {@link words}. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `${ENGLISH_STOP_WORDS} ${COURSE_STOP_WORDS}`.split(/\s+/).filter(Boolean),
);

/*
 * A word: letters, marks and digits of any script; a trailing `+`/`#` run is kept when it ends the
 * word, so "C++", "C#" and "F#" survive as terms of their own.
 */
const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:[+#]+(?![\p{L}\p{N}]))?/gu;
/* Apostrophes inside a word are dropped ("don't" → "dont", "O'Reilly" → "oreilly"). */
const INNER_APOSTROPHE = /(\p{L})['’](?=\p{L})/gu;
const ASCII_WORD = /^[a-z]+$/;

/**
 * Harman's "S" stemmer (1991), folding English plurals only, with "-is" added to the exceptions
 * ("analysis", "basis"). Applied to plain ASCII words longer than three letters; other scripts
 * pass through unchanged.
 */
export function stem(word: string): string {
  if (word.length <= 3 || !ASCII_WORD.test(word)) return word;
  if (word.endsWith('ies') && !word.endsWith('eies') && !word.endsWith('aies')) {
    return `${word.slice(0, -3)}y`;
  }
  if (word.endsWith('es') && !word.endsWith('aes') && !word.endsWith('ees') && !word.endsWith('oes')) {
    return word.slice(0, -1);
  }
  if (word.endsWith('s') && !word.endsWith('us') && !word.endsWith('ss') && !word.endsWith('is')) {
    return word.slice(0, -1);
  }
  return word;
}

/** Lower-cased surface words of a text, stop words removed (before stemming). */
export function words(text: string): string[] {
  const normalised = text.normalize('NFKC').toLowerCase().replace(INNER_APOSTROPHE, '$1');
  const result: string[] = [];
  for (const match of normalised.matchAll(WORD)) {
    const word = match[0];
    if (!STOP_WORDS.has(word)) result.push(word);
  }
  return result;
}

/** Weighted term frequencies: each occurrence of a term in a field adds that field's weight. */
export function termCounts(fields: readonly WeightedField[]): TermCounts {
  const counts = new Map<string, number>();
  const surfaces = new Map<string, string>();
  for (const field of fields) {
    if (field.weight <= 0) continue;
    for (const word of words(field.text)) {
      const term = stem(word);
      counts.set(term, (counts.get(term) ?? 0) + field.weight);
      if (!surfaces.has(term)) surfaces.set(term, word);
    }
  }
  return { counts, surfaces };
}

/** Document frequency of every term over a corpus of term-count maps. */
export function fitTfIdf(documents: Iterable<ReadonlyMap<string, number>>): TfIdfStatistics {
  const documentFrequency = new Map<string, number>();
  let documentCount = 0;
  for (const document of documents) {
    documentCount++;
    for (const term of document.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  return { documentCount, documentFrequency };
}

/**
 * Smoothed inverse document frequency, `ln((1 + N) / (1 + df)) + 1` (as scikit-learn's default):
 * a term in every document still weighs 1, never 0. A term the statistics have not seen counts as
 * occurring in one document (the one being vectorised).
 */
export function inverseDocumentFrequency(statistics: TfIdfStatistics, term: string): number {
  const df = statistics.documentFrequency.get(term) ?? 1;
  return Math.log((1 + statistics.documentCount) / (1 + df)) + 1;
}

/** L2-normalised TF-IDF vector of one document, keys in ascending order (see similarity.ts). */
export function tfIdfVector(counts: ReadonlyMap<string, number>, statistics: TfIdfStatistics): SparseVector {
  const terms = [...counts.keys()].sort();
  const weights = terms.map((term) => (counts.get(term) ?? 0) * inverseDocumentFrequency(statistics, term));
  let squares = 0;
  for (const weight of weights) squares += weight * weight;
  const norm = Math.sqrt(squares);
  const vector = new Map<string, number>();
  if (norm === 0) return vector;
  terms.forEach((term, i) => vector.set(term, weights[i] / norm));
  return vector;
}

/**
 * The terms a course is indexed and compared by: its `limit` heaviest terms, leaving out terms the
 * statistics call too common (`isCommon`). Weights keep the full vector's normalisation, so the dot
 * product of two truncated vectors is the part of their cosine the kept terms carry: the light
 * tail of a long description adds little to a similarity but most of the cost of finding it (every
 * course sharing any word would be a candidate). Keys stay in ascending order.
 */
export function truncateVector(
  vector: SparseVector,
  limit: number,
  isCommon: (term: string) => boolean,
): SparseVector {
  const eligible = [...vector].filter(([term]) => !isCommon(term));
  if (eligible.length > limit) {
    // Heaviest first, ties by term: deterministic whatever the Map's order.
    eligible.sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
    eligible.length = limit;
    eligible.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  } else if (eligible.length === vector.size) {
    return vector;
  }
  return new Map(eligible);
}
