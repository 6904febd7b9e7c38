/**
 * The demo catalogue: hand-written so that titles, texts and tags read like a real platform and
 * give the content-based recommender real words to work with. Each category has two tracks
 * (a hidden theme only enrolments reveal, e.g. web vs. systems development) and a flagship: the
 * first course of the category, which more students take.
 */

export type DemoLevel = 'beginner' | 'intermediate' | 'advanced';

export interface DemoCourse {
  title: string;
  summary: string;
  /** What a student takes away; rendered into the description. */
  outcomes: [string, string, string];
  tags: string[];
  level: DemoLevel;
  /** EUR minor units; 0 is a free course. */
  price: number;
  /** ISO 639 code of the language the course is taught in. */
  language?: string;
  track: 0 | 1;
}

export interface DemoCategory {
  /** As stored and filtered on (`GET /courses?category=`). */
  name: string;
  /** Relative share of students whose main interest this is. */
  appeal: number;
  instructor: { email: string; displayName: string; bio: string };
  courses: DemoCourse[];
}

export const DEMO_EMAIL_DOMAIN = 'demo.coursehub.local';

/** Shared by every demo account, documented in the README and printed after seeding. */
export const DEMO_PASSWORD = 'demo-password-123';

export const DEMO_CURRENCY = 'EUR';

const demoEmail = (localPart: string) => `${localPart}@${DEMO_EMAIL_DOMAIN}`;

export const DEMO_CATEGORIES: readonly DemoCategory[] = [
  {
    name: 'development',
    appeal: 1.6,
    instructor: {
      email: demoEmail('noor.haddad'),
      displayName: 'Noor Haddad',
      bio: 'Noor has built web platforms and backend services for fifteen years.',
    },
    courses: [
      {
        title: 'TypeScript from First Principles',
        summary:
          'Types, narrowing, generics and the compiler options that matter, one small program at a time.',
        outcomes: [
          'read and write type annotations with confidence',
          'model data with unions, narrowing and generics',
          'configure tsc and a project for strict type checking',
        ],
        tags: ['typescript', 'javascript', 'types'],
        level: 'beginner',
        price: 0,
        track: 0,
      },
      {
        title: 'Modern React with Hooks',
        summary: 'Build interactive user interfaces with function components, hooks and a clean state model.',
        outcomes: [
          'structure an app as small function components',
          'manage state and effects with hooks',
          'fetch data and handle loading and error states',
        ],
        tags: ['react', 'frontend', 'javascript'],
        level: 'intermediate',
        price: 4900,
        track: 0,
      },
      {
        title: 'Node.js APIs with NestJS',
        summary: 'Design, validate, test and document a REST API on Node.js with NestJS and PostgreSQL.',
        outcomes: [
          'organise an API into modules, controllers and services',
          'validate requests and document them with OpenAPI',
          'write integration tests against a real database',
        ],
        tags: ['nodejs', 'nestjs', 'rest', 'api'],
        level: 'intermediate',
        price: 5900,
        track: 0,
      },
      {
        title: 'Web Performance in Practice',
        summary: 'Measure and fix slow pages: Core Web Vitals, bundle size, caching and rendering.',
        outcomes: [
          'profile a page load in the browser dev tools',
          'shrink bundles and defer what the first paint does not need',
          'set caching headers that keep pages fast and fresh',
        ],
        tags: ['performance', 'browser', 'frontend'],
        level: 'advanced',
        price: 6900,
        track: 0,
      },
      {
        title: 'Practical PostgreSQL for Developers',
        summary: 'Queries, indexes, transactions and query plans for people who write application code.',
        outcomes: [
          'write joins, aggregates and window functions',
          'read a query plan and choose the right index',
          'use transactions and isolation levels correctly',
        ],
        tags: ['sql', 'postgresql', 'databases'],
        level: 'intermediate',
        price: 4900,
        track: 1,
      },
      {
        title: 'Go for Backend Engineers',
        summary: 'Idiomatic Go for services: packages, interfaces, goroutines, channels and testing.',
        outcomes: [
          'structure a Go service into packages',
          'use goroutines and channels without data races',
          'test and benchmark Go code',
        ],
        tags: ['go', 'concurrency', 'backend'],
        level: 'intermediate',
        price: 5400,
        track: 1,
      },
      {
        title: 'Rust Systems Programming',
        summary: 'Ownership, borrowing and fearless concurrency, applied to command-line tools and services.',
        outcomes: [
          'reason about ownership, borrowing and lifetimes',
          'handle errors with Result and the question-mark operator',
          'write safe concurrent code with threads and async',
        ],
        tags: ['rust', 'memory-safety', 'systems'],
        level: 'advanced',
        price: 7900,
        track: 1,
      },
    ],
  },
  {
    name: 'data-science',
    appeal: 1.4,
    instructor: {
      email: demoEmail('tomas.ribeiro'),
      displayName: 'Tomás Ribeiro',
      bio: 'Tomás leads a data science team and teaches statistics at evening school.',
    },
    courses: [
      {
        title: 'Python for Data Analysis',
        summary: 'Load, clean, reshape and summarise real data sets with Python, pandas and notebooks.',
        outcomes: [
          'load CSV and Excel data into pandas data frames',
          'clean missing values and reshape tables',
          'group, aggregate and summarise data',
        ],
        tags: ['python', 'pandas', 'data-analysis'],
        level: 'beginner',
        price: 0,
        track: 0,
      },
      {
        title: 'Statistics for Everyday Decisions',
        summary: 'Averages, spread, sampling, confidence intervals and A/B tests without the jargon.',
        outcomes: [
          'describe data with the right summary statistics',
          'tell a real effect from noise with confidence intervals',
          'design and read an A/B test',
        ],
        tags: ['statistics', 'probability', 'ab-testing'],
        level: 'beginner',
        price: 2900,
        track: 0,
      },
      {
        title: 'Data Visualisation with Matplotlib and Seaborn',
        summary: 'Charts that explain: choosing the right plot, styling it and telling a story with data.',
        outcomes: [
          'pick a chart type that fits the question',
          'build and style plots with matplotlib and seaborn',
          'combine charts into a clear data story',
        ],
        tags: ['visualisation', 'python', 'charts'],
        level: 'intermediate',
        price: 3900,
        track: 0,
      },
      {
        title: 'SQL for Analysts',
        summary: 'Answer business questions straight from the database with SELECT, joins and aggregates.',
        outcomes: [
          'filter, join and aggregate tables',
          'compute funnels and cohorts in SQL',
          'turn queries into repeatable reports',
        ],
        tags: ['sql', 'analytics', 'reporting'],
        level: 'beginner',
        price: 2900,
        track: 0,
      },
      {
        title: 'Machine Learning Foundations',
        summary: 'Regression, classification, validation and feature engineering with scikit-learn.',
        outcomes: [
          'train and evaluate regression and classification models',
          'avoid leakage with proper cross-validation',
          'engineer features that improve a model',
        ],
        tags: ['machine-learning', 'scikit-learn', 'python'],
        level: 'intermediate',
        price: 6900,
        track: 1,
      },
      {
        title: 'Deep Learning with PyTorch',
        summary: 'Neural networks from tensors to training loops, convolutional nets and transfer learning.',
        outcomes: [
          'build and train neural networks in PyTorch',
          'use convolutional networks for images',
          'fine-tune a pretrained model on your own data',
        ],
        tags: ['deep-learning', 'pytorch', 'neural-networks'],
        level: 'advanced',
        price: 8900,
        track: 1,
      },
      {
        title: 'Natural Language Processing in Practice',
        summary: 'Tokenisation, embeddings and transformer models for classifying and searching text.',
        outcomes: [
          'prepare text data and tokenise it',
          'classify documents with embeddings and transformers',
          'build a semantic search over your own documents',
        ],
        tags: ['nlp', 'transformers', 'text'],
        level: 'advanced',
        price: 7900,
        track: 1,
      },
    ],
  },
  {
    name: 'design',
    appeal: 1.0,
    instructor: {
      email: demoEmail('mei.tanaka'),
      displayName: 'Mei Tanaka',
      bio: 'Mei is a product designer who has shipped design systems for banks and start-ups.',
    },
    courses: [
      {
        title: 'UX Research Essentials',
        summary: 'Plan interviews, usability tests and surveys, and turn what users say into decisions.',
        outcomes: [
          'plan and run user interviews',
          'run a moderated usability test',
          'synthesise findings into clear recommendations',
        ],
        tags: ['ux', 'user-research', 'usability'],
        level: 'beginner',
        price: 3900,
        track: 0,
      },
      {
        title: 'Figma for Product Designers',
        summary: 'Frames, auto layout, components and prototypes: the Figma workflow of a product team.',
        outcomes: [
          'lay out screens with frames and auto layout',
          'build reusable components and variants',
          'prototype flows and hand them off to developers',
        ],
        tags: ['figma', 'ui', 'prototyping'],
        level: 'beginner',
        price: 0,
        track: 0,
      },
      {
        title: 'Design Systems that Scale',
        summary: 'Tokens, components, documentation and governance for a design system many teams use.',
        outcomes: [
          'define design tokens for colour, type and spacing',
          'design a component library with clear states',
          'document and govern a shared system',
        ],
        tags: ['design-systems', 'components', 'ui'],
        level: 'advanced',
        price: 6900,
        track: 0,
      },
      {
        title: 'Accessible Interface Design',
        summary: 'Design for everyone: contrast, focus order, screen readers and the WCAG criteria.',
        outcomes: [
          'check contrast and colour use against WCAG',
          'design keyboard and screen-reader friendly flows',
          'annotate designs for accessible implementation',
        ],
        tags: ['accessibility', 'wcag', 'ui'],
        level: 'intermediate',
        price: 4900,
        track: 0,
      },
      {
        title: 'Typography Fundamentals',
        summary: 'Choose, pair and set typefaces for screens: hierarchy, rhythm and readable text.',
        outcomes: [
          'pair typefaces with purpose',
          'build a type scale and vertical rhythm',
          'set long text that is comfortable to read',
        ],
        tags: ['typography', 'fonts', 'layout'],
        level: 'beginner',
        price: 2900,
        track: 1,
      },
      {
        title: 'Colour Theory for Digital Work',
        summary: 'Hue, value and saturation, harmonious palettes and colour that carries meaning.',
        outcomes: [
          'build harmonious palettes from a base colour',
          'use value and contrast to guide the eye',
          'apply colour consistently across a brand',
        ],
        tags: ['colour', 'palettes', 'branding'],
        level: 'beginner',
        price: 2400,
        track: 1,
      },
      {
        title: 'Brand Identity from Brief to Logo',
        summary: 'Research a brand, sketch concepts and deliver a logo with guidelines a client can use.',
        outcomes: [
          'turn a client brief into a creative direction',
          'develop logo concepts from sketch to vector',
          'write brand guidelines for consistent use',
        ],
        tags: ['branding', 'logo', 'identity'],
        level: 'intermediate',
        price: 5900,
        track: 1,
      },
    ],
  },
  {
    name: 'business',
    appeal: 1.0,
    instructor: {
      email: demoEmail('grace.whitfield'),
      displayName: 'Grace Whitfield',
      bio: 'Grace has founded two software companies and advises early-stage teams.',
    },
    courses: [
      {
        title: 'Product Management Fundamentals',
        summary: 'Discovery, prioritisation and roadmaps: how product managers decide what to build next.',
        outcomes: [
          'run product discovery with customers',
          'prioritise a backlog with clear criteria',
          'communicate a roadmap to stakeholders',
        ],
        tags: ['product-management', 'roadmaps', 'discovery'],
        level: 'beginner',
        price: 4900,
        track: 0,
      },
      {
        title: 'Lean Startup in Practice',
        summary:
          'Test a business idea quickly with customer interviews, minimum viable products and metrics.',
        outcomes: [
          'state the riskiest assumptions of an idea',
          'design a minimum viable product experiment',
          'decide to persevere or pivot from the numbers',
        ],
        tags: ['startups', 'mvp', 'experiments'],
        level: 'beginner',
        price: 0,
        track: 0,
      },
      {
        title: 'Pricing Strategy for SaaS',
        summary: 'Value metrics, packaging, tiers and price tests for subscription software.',
        outcomes: [
          'choose a value metric customers understand',
          'design plans and tiers that grow with customers',
          'run and read a pricing experiment',
        ],
        tags: ['pricing', 'saas', 'strategy'],
        level: 'advanced',
        price: 7900,
        track: 0,
      },
      {
        title: 'Growth Marketing Playbook',
        summary: 'Acquisition channels, funnels, retention and experiments that compound over time.',
        outcomes: [
          'map and measure an acquisition funnel',
          'run growth experiments with clear hypotheses',
          'improve activation and retention',
        ],
        tags: ['marketing', 'growth', 'analytics'],
        level: 'intermediate',
        price: 5900,
        track: 0,
      },
      {
        title: 'Finance for Non-Financial Managers',
        summary: 'Read a balance sheet, a profit and loss statement and a cash flow forecast with ease.',
        outcomes: [
          'read the three financial statements',
          'build a simple budget and cash flow forecast',
          'judge an investment with payback and net present value',
        ],
        tags: ['finance', 'accounting', 'budgeting'],
        level: 'beginner',
        price: 3900,
        track: 1,
      },
      {
        title: 'Leading Remote Teams',
        summary: 'Hiring, rituals, written communication and trust for teams spread over time zones.',
        outcomes: [
          'set up rituals that work across time zones',
          'write decisions and updates people read',
          'give feedback and build trust at a distance',
        ],
        tags: ['leadership', 'remote-work', 'management'],
        level: 'intermediate',
        price: 4400,
        track: 1,
      },
      {
        title: 'Negotiation Skills for Professionals',
        summary: 'Prepare, anchor, trade concessions and close agreements that both sides keep.',
        outcomes: [
          'prepare a negotiation and know your alternatives',
          'anchor and trade concessions deliberately',
          'handle difficult conversations calmly',
        ],
        tags: ['negotiation', 'communication', 'management'],
        level: 'intermediate',
        price: 3400,
        track: 1,
      },
    ],
  },
  {
    name: 'languages',
    appeal: 0.9,
    instructor: {
      email: demoEmail('lucia.moreno'),
      displayName: 'Lucía Moreno',
      bio: 'Lucía is a translator and has taught languages to adults in four countries.',
    },
    courses: [
      {
        title: 'Spanish for Beginners (A1)',
        summary: 'Greet people, order food, ask the way and talk about yourself in everyday Spanish.',
        outcomes: [
          'introduce yourself and hold a short conversation',
          'use the present tense of common verbs',
          'get by in shops, cafés and on the street',
        ],
        tags: ['spanish', 'a1', 'conversation'],
        level: 'beginner',
        price: 0,
        track: 0,
      },
      {
        title: 'Conversación en español (B1)',
        summary:
          'Habla con soltura sobre el trabajo, los viajes y la actualidad, con audios de hablantes nativos.',
        outcomes: [
          'narrate past events with the preterite and imperfect',
          'give opinions and argue a point in Spanish',
          'follow native speakers at natural speed',
        ],
        tags: ['spanish', 'b1', 'conversation'],
        level: 'intermediate',
        price: 3900,
        language: 'es',
        track: 0,
      },
      {
        title: 'Italian for Travellers',
        summary: 'The Italian you need for trains, hotels, restaurants and making friends on the way.',
        outcomes: [
          'book rooms and tickets in Italian',
          'order in restaurants and understand the menu',
          'make small talk with locals',
        ],
        tags: ['italian', 'travel', 'conversation'],
        level: 'beginner',
        price: 2900,
        track: 0,
      },
      {
        title: 'French Pronunciation Workshop',
        summary: 'Nasal vowels, the French r, liaison and intonation, with listening drills and feedback.',
        outcomes: [
          'pronounce nasal vowels and the French r',
          'apply liaison and elision naturally',
          'sound more fluent with French intonation',
        ],
        tags: ['french', 'pronunciation', 'listening'],
        level: 'intermediate',
        price: 2400,
        track: 0,
      },
      {
        title: 'Japanese Hiragana and Katakana',
        summary: 'Read and write both Japanese syllabaries in four weeks with mnemonics and daily drills.',
        outcomes: [
          'read and write all hiragana',
          'read and write all katakana',
          'read simple words, signs and menus',
        ],
        tags: ['japanese', 'kana', 'writing'],
        level: 'beginner',
        price: 1900,
        track: 1,
      },
      {
        title: 'Business English Communication',
        summary: 'Clear e-mails, confident meetings and presentations in English for international work.',
        outcomes: [
          'write concise professional e-mails',
          'lead and take part in meetings in English',
          'present ideas clearly to an international audience',
        ],
        tags: ['english', 'business', 'writing'],
        level: 'intermediate',
        price: 3900,
        track: 1,
      },
      {
        title: 'German Grammar Made Clear',
        summary:
          'Cases, word order and verb positions explained with patterns instead of tables to memorise.',
        outcomes: [
          'choose the right case after verbs and prepositions',
          'put verbs in the right place in main and subordinate clauses',
          'use adjective endings with confidence',
        ],
        tags: ['german', 'grammar', 'writing'],
        level: 'intermediate',
        price: 3400,
        track: 1,
      },
    ],
  },
  {
    name: 'music',
    appeal: 0.8,
    instructor: {
      email: demoEmail('amara.nwosu'),
      displayName: 'Amara Nwosu',
      bio: 'Amara is a session musician and producer who has taught for a decade.',
    },
    courses: [
      {
        title: 'Music Theory for Songwriters',
        summary: 'Scales, chords, progressions and melody, explained through songs you already know.',
        outcomes: [
          'build major and minor scales and chords',
          'write chord progressions that support a melody',
          'analyse the harmony of popular songs',
        ],
        tags: ['music-theory', 'chords', 'songwriting'],
        level: 'beginner',
        price: 0,
        track: 0,
      },
      {
        title: 'Home Recording and Mixing',
        summary: 'Record vocals and instruments at home, then mix them with EQ, compression and reverb.',
        outcomes: [
          'set up a small home studio and record clean takes',
          'balance a mix with EQ and compression',
          'add space with reverb and delay',
        ],
        tags: ['recording', 'mixing', 'daw'],
        level: 'intermediate',
        price: 5900,
        track: 0,
      },
      {
        title: 'Electronic Music Production with Ableton Live',
        summary: 'Beats, synthesis, sampling and arrangement: finish a track from first loop to export.',
        outcomes: [
          'program drums and basslines in Ableton Live',
          'design sounds with subtractive synthesis',
          'arrange and export a finished track',
        ],
        tags: ['ableton', 'synthesis', 'production'],
        level: 'intermediate',
        price: 6900,
        track: 0,
      },
      {
        title: 'Ear Training Fundamentals',
        summary: 'Recognise intervals, chords and rhythms by ear with short daily listening exercises.',
        outcomes: [
          'recognise intervals by ear',
          'hear the quality of major, minor and seventh chords',
          'transcribe simple melodies and rhythms',
        ],
        tags: ['ear-training', 'intervals', 'listening'],
        level: 'beginner',
        price: 1900,
        track: 0,
      },
      {
        title: 'Guitar Foundations',
        summary: 'Open chords, strumming patterns and your first songs on acoustic or electric guitar.',
        outcomes: [
          'play the essential open chords cleanly',
          'keep time with common strumming patterns',
          'play complete songs from chord charts',
        ],
        tags: ['guitar', 'chords', 'strumming'],
        level: 'beginner',
        price: 2900,
        track: 1,
      },
      {
        title: 'Piano for Adult Beginners',
        summary: 'Read music, play with both hands and learn pieces from classical to pop.',
        outcomes: [
          'read treble and bass clef notation',
          'coordinate both hands with good posture',
          'play simple classical and pop pieces',
        ],
        tags: ['piano', 'reading-music', 'keyboard'],
        level: 'beginner',
        price: 3400,
        track: 1,
      },
      {
        title: 'Jazz Improvisation',
        summary: 'Modes, guide tones and the blues: build solos over jazz standards on any instrument.',
        outcomes: [
          'improvise over the blues and ii–V–I progressions',
          'use guide tones and chord tones in solos',
          'learn vocabulary by transcribing jazz recordings',
        ],
        tags: ['jazz', 'improvisation', 'scales'],
        level: 'advanced',
        price: 5400,
        track: 1,
      },
    ],
  },
];

/** First and last names the demo students are made from (index-based, so deterministic). */
export const DEMO_STUDENT_FIRST_NAMES = [
  'Alex',
  'Bea',
  'Chidi',
  'Dana',
  'Elif',
  'Farid',
  'Greta',
  'Hiro',
  'Ines',
  'Jonas',
  'Kemi',
  'Liam',
  'Maya',
  'Nils',
  'Olga',
  'Pedro',
  'Quinn',
  'Rosa',
  'Sami',
  'Tara',
] as const;

export const DEMO_STUDENT_LAST_NAMES = [
  'Andersen',
  'Baptiste',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fontaine',
  'Gallagher',
  'Horvath',
  'Ivanova',
  'Jansen',
  'Kowalski',
  'Lindqvist',
  'Mensah',
] as const;
