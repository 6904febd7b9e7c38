import { dotProduct } from './similarity';
import { fitTfIdf, inverseDocumentFrequency, stem, termCounts, tfIdfVector, words } from './text-features';

/** The terms a text contributes (before field weights): its words, plurals folded. */
const tokenize = (text: string) => words(text).map(stem);

describe('tokenize', () => {
  it('lower-cases, splits on non-letters and drops stop words', () => {
    expect(tokenize('An Introduction to SQL: the Joins you need!')).toEqual([
      'introduction',
      'sql',
      'join',
      'need',
    ]);
  });

  it('splits words of any script and keeps accents', () => {
    expect(tokenize('Café Éclair, naïve Straße')).toEqual(['café', 'éclair', 'naïve', 'straße']);
    expect(tokenize('Машинное обучение — основы')).toEqual(['машинное', 'обучение', 'основы']);
  });

  it('keeps C++, C# and F# as terms and drops contraction fragments', () => {
    expect(tokenize("C++ and C# aren't F#; node.js isn't")).toEqual(['c++', 'c#', 'f#', 'node', 'js']);
  });

  it('normalises compatibility forms (NFKC)', () => {
    expect(tokenize('ﬁnance')).toEqual(['finance']); // U+FB01 ligature
  });

  it('drops course boilerplate words but keeps "learning"', () => {
    expect(tokenize('Machine learning course with video lessons')).toEqual(['machine', 'learning']);
  });
});

describe('stem (plural folding)', () => {
  it.each([
    ['databases', 'database'],
    ['queries', 'query'],
    ['joins', 'join'],
    ['analysis', 'analysis'],
    ['status', 'status'],
    ['class', 'class'],
    ['bus', 'bus'],
    ['shoes', 'shoe'],
    ['straße', 'straße'],
  ])('%s → %s', (word, stemmed) => expect(stem(word)).toBe(stemmed));
});

describe('termCounts', () => {
  it('adds each field weight per occurrence and remembers the first surface form', () => {
    const { counts, surfaces } = termCounts([
      { text: 'databases sql', weight: 3 },
      { text: 'SQL database', weight: 1 },
    ]);
    expect(Object.fromEntries(counts)).toEqual({ database: 4, sql: 4 });
    expect(surfaces.get('database')).toBe('databases');
  });
});

describe('TF-IDF', () => {
  /*
   * Toy corpus (N = 3), after tokenising:
   *   d1 "SQL databases"     → sql 1, database 1
   *   d2 "SQL queries, SQL"  → sql 2, query 1
   *   d3 "Python"            → python 1
   * df: sql 2, database 1, query 1, python 1.
   * idf = ln((1 + N)/(1 + df)) + 1: idf(sql) = ln(4/3) + 1 = 1.287682, idf(df 1) = ln(2) + 1 = 1.693147.
   * d1 raw (sql 1.287682, database 1.693147), norm 2.127175 → (0.605349, 0.795961)
   * d2 raw (sql 2.575364, query 1.693147), norm 3.082085 → (0.835592, 0.549351)
   * d3 → (python 1)
   * cos(d1, d2) = 0.605349 · 0.835592 = 0.505824; cos(d1, d3) = 0.
   */
  const documents = ['SQL databases', 'SQL queries, SQL', 'Python'].map(
    (text) => termCounts([{ text, weight: 1 }]).counts,
  );
  const statistics = fitTfIdf(documents);
  const vectors = documents.map((document) => tfIdfVector(document, statistics));

  it('computes smoothed IDF', () => {
    expect(inverseDocumentFrequency(statistics, 'sql')).toBeCloseTo(1.287682, 6);
    expect(inverseDocumentFrequency(statistics, 'python')).toBeCloseTo(1.693147, 6);
    // A term the corpus has not seen counts as being in one document.
    expect(inverseDocumentFrequency(statistics, 'rust')).toBeCloseTo(1.693147, 6);
  });

  it('builds L2-normalised vectors with the hand-computed weights', () => {
    const [d1, d2, d3] = vectors;
    expect(d1.get('sql')).toBeCloseTo(0.605349, 6);
    expect(d1.get('database')).toBeCloseTo(0.795961, 6);
    expect(d2.get('sql')).toBeCloseTo(0.835592, 6);
    expect(d2.get('query')).toBeCloseTo(0.549351, 6);
    expect(Object.fromEntries(d3)).toEqual({ python: 1 });
    for (const vector of vectors) expect(Math.sqrt(dotProduct(vector, vector))).toBeCloseTo(1, 12);
  });

  it('gives the hand-computed cosines (dot products of the normalised vectors)', () => {
    expect(dotProduct(vectors[0], vectors[1])).toBeCloseTo(0.505824, 6);
    expect(dotProduct(vectors[0], vectors[2])).toBe(0);
  });

  it('keeps vector keys in ascending order', () => {
    expect([...vectors[1].keys()]).toEqual(['query', 'sql']);
  });

  it('counts document frequency once per document', () => {
    expect(fitTfIdf(documents).documentFrequency.get('sql')).toBe(2);
  });
});
