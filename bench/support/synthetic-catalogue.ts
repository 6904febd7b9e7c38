import type { CourseFeatures, CourseStatus, Enrolment } from '@coursehub/course/recommendations';
import { cumulativeWeights, SeededRandom, zipfWeights } from './random';

/*
 * A synthetic catalogue for sizing the recommender, in the spirit of scripts/eval-recommendations.ts
 * (topics shape both the texts and who enrols where; skewed popularity), but built to scale: the
 * number of topics grows with the catalogue and every topic has its own vocabulary, as a real
 * catalogue's does. The cost of a build depends on the vocabulary (the content lists cost Σ over
 * terms of (courses with that term)²), so the shape is stated here:
 *
 * - one topic per 40 courses (at least 8), 12 categories;
 * - each topic: 60 words of its own, drawn Zipf-like; 6 of them are its tags;
 * - 400 words shared by all topics, also Zipf-like ("practical", "python", "data" …);
 * - text: 60 % topic words, 30 % shared words, 10 % words of another topic; title 4 words,
 *   summary 12, description 40–80;
 * - 90 % published, 5 % drafts, 5 % archived;
 * - users: 1–2 preferred topics (Zipf over topics), 1 + geometric courses each (mean ≈ 5, max 40),
 *   85 % from a preferred topic by log-normal course appeal, 15 % from anywhere.
 */

export interface SyntheticCatalogue {
  courses: CourseFeatures[];
  enrolments: Enrolment[];
  users: string[];
  vocabulary: number;
  /** Per topic: its words, most frequent first (search terms that match a topic's courses). */
  topicWords: string[][];
  /** Per course: its topic. */
  courseTopics: number[];
}

const TOPIC_WORDS = 60;
const SHARED_WORDS = 400;
const CATEGORIES = 12;
const SYLLABLES = `ba be bi bo bu da de di do du fa fe fi fo ka ke ki ko ku la le li lo lu ma me mi mo mu
  na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo za ze zi zo`
  .split(/\s+/)
  .filter(Boolean);

/** Distinct pronounceable pseudo-words (3–4 syllables): no English stop word or plural among them. */
function wordList(random: SeededRandom, count: number, taken: Set<string>): string[] {
  const words: string[] = [];
  while (words.length < count) {
    const syllables = 3 + random.int(2);
    let word = '';
    for (let i = 0; i < syllables; i++) word += random.pick(SYLLABLES);
    if (taken.has(word)) continue;
    taken.add(word);
    words.push(word);
  }
  return words;
}

interface Topic {
  words: string[];
  wordWeights: Float64Array;
  tags: string[];
  category: string;
  courses: number[];
  courseWeights?: Float64Array;
}

function text(
  random: SeededRandom,
  topic: Topic,
  topics: Topic[],
  shared: Vocabulary,
  length: number,
): string {
  const words: string[] = [];
  for (let i = 0; i < length; i++) {
    const roll = random.next();
    if (roll < 0.6) words.push(topic.words[random.weightedIndex(topic.wordWeights)]);
    else if (roll < 0.9) words.push(shared.words[random.weightedIndex(shared.weights)]);
    else {
      const other = random.pick(topics);
      words.push(other.words[random.weightedIndex(other.wordWeights)]);
    }
  }
  return words.join(' ');
}

interface Vocabulary {
  words: string[];
  weights: Float64Array;
}

export function syntheticCatalogue(
  seed: number,
  courseCount: number,
  enrolmentTarget: number,
): SyntheticCatalogue {
  const random = new SeededRandom(seed);
  const taken = new Set<string>();
  const shared: Vocabulary = {
    words: wordList(random, SHARED_WORDS, taken),
    weights: cumulativeWeights(zipfWeights(SHARED_WORDS)),
  };
  const topicCount = Math.max(8, Math.round(courseCount / 40));
  const topicWordWeights = cumulativeWeights(zipfWeights(TOPIC_WORDS, 0.8));
  const topics: Topic[] = Array.from({ length: topicCount }, (_, index) => {
    const words = wordList(random, TOPIC_WORDS, taken);
    return {
      words,
      wordWeights: topicWordWeights,
      tags: words.slice(0, 6),
      category: `category-${index % CATEGORIES}`,
      courses: [],
    };
  });

  const courses: CourseFeatures[] = [];
  const courseTopics: number[] = [];
  const appeal: number[] = [];
  for (let i = 0; i < courseCount; i++) {
    const topicIndex = i % topicCount;
    const topic = topics[topicIndex];
    const roll = random.next();
    const status: CourseStatus = roll < 0.05 ? 'draft' : roll < 0.1 ? 'archived' : 'published';
    const tags = topic.tags.filter(() => random.next() < 0.5);
    courses.push({
      id: `course-${String(i).padStart(6, '0')}`,
      title: text(random, topic, topics, shared, 4),
      summary: text(random, topic, topics, shared, 12),
      description: text(random, topic, topics, shared, 40 + random.int(41)),
      tags: tags.length > 0 ? tags : [topic.tags[0]],
      category: topic.category,
      status,
    });
    courseTopics.push(topicIndex);
    appeal.push(Math.exp(1.1 * random.normal())); // log-normal: a few best-sellers, a long tail
    if (status !== 'draft') topic.courses.push(i);
  }
  for (const topic of topics) topic.courseWeights = cumulativeWeights(topic.courses.map((i) => appeal[i]));
  const enrollable = topics.flatMap((topic) => topic.courses);
  const enrollableWeights = cumulativeWeights(enrollable.map((i) => appeal[i]));
  const topicWeights = cumulativeWeights(zipfWeights(topicCount, 0.7));

  const enrolments: Enrolment[] = [];
  const users: string[] = [];
  while (enrolments.length < enrolmentTarget) {
    const userId = `user-${String(users.length).padStart(7, '0')}`;
    users.push(userId);
    const preferred = [topics[random.weightedIndex(topicWeights)]];
    if (random.next() < 0.4) preferred.push(topics[random.weightedIndex(topicWeights)]);
    let wanted = 1;
    while (wanted < 40 && random.next() < 0.8) wanted++;
    wanted = Math.min(wanted, enrolmentTarget - enrolments.length);
    const owned = new Set<number>();
    for (let attempt = 0; owned.size < wanted && attempt < wanted * 10; attempt++) {
      const topic = random.pick(preferred);
      if (random.next() < 0.85 && topic.courses.length > 0) {
        owned.add(topic.courses[random.weightedIndex(topic.courseWeights!)]);
      } else {
        owned.add(enrollable[random.weightedIndex(enrollableWeights)]);
      }
    }
    for (const index of owned) enrolments.push({ userId, courseId: courses[index].id });
  }
  return {
    courses,
    enrolments,
    users,
    vocabulary: taken.size,
    topicWords: topics.map((topic) => topic.words),
    courseTopics,
  };
}
