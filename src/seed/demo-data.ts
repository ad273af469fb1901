import type { ContentType, ReasonKind } from '../domain/models';
import { uuidFromName } from '../domain/ids';

/**
 * The seed tutorial's demo: Lena, Marco and Yuki, ten titles, fifteen viewing sessions. Content ids are derived
 * from the title's slug (name-based UUIDs), so every history and recommendation row points at a real title.
 */
export const LENA = 'aaaa1111-1111-1111-1111-111111111111';
export const MARCO = 'bbbb2222-2222-2222-2222-222222222222';
export const YUKI = 'cccc3333-3333-3333-3333-333333333333';

export const contentId = (slug: string): string => uuidFromName(`content:${slug}`);

export interface DemoTitle {
  slug: string;
  title: string;
  contentType: ContentType;
  genre: string;
  releaseYear: number;
  tags: string[];
}

export const DEMO_TITLES: DemoTitle[] = [
  {
    slug: 'the-last-algorithm',
    title: 'The Last Algorithm',
    contentType: 'MOVIE',
    genre: 'sci-fi',
    releaseYear: 2024,
    tags: ['ai', 'dystopia', 'thriller'],
  },
  {
    slug: 'ocean-depths',
    title: 'Ocean Depths',
    contentType: 'DOCUMENTARY',
    genre: 'documentary',
    releaseYear: 2023,
    tags: ['nature', 'ocean', 'science'],
  },
  {
    slug: 'the-silk-road-diaries',
    title: 'The Silk Road Diaries',
    contentType: 'SERIES',
    genre: 'documentary',
    releaseYear: 2022,
    tags: ['travel', 'history', 'culture'],
  },
  {
    slug: 'stellar-drift',
    title: 'Stellar Drift',
    contentType: 'SERIES',
    genre: 'sci-fi',
    releaseYear: 2023,
    tags: ['space', 'exploration'],
  },
  {
    slug: 'neon-shadows',
    title: 'Neon Shadows',
    contentType: 'MOVIE',
    genre: 'thriller',
    releaseYear: 2022,
    tags: ['noir', 'cyberpunk'],
  },
  {
    slug: 'the-quantum-heist',
    title: 'The Quantum Heist',
    contentType: 'MOVIE',
    genre: 'thriller',
    releaseYear: 2023,
    tags: ['heist', 'science'],
  },
  {
    slug: 'midnight-in-kyoto',
    title: 'Midnight in Kyoto',
    contentType: 'MOVIE',
    genre: 'drama',
    releaseYear: 2021,
    tags: ['romance', 'japan'],
  },
  {
    slug: 'spirit-blade-chronicles',
    title: 'Spirit Blade Chronicles',
    contentType: 'SERIES',
    genre: 'anime',
    releaseYear: 2024,
    tags: ['fantasy', 'action'],
  },
  {
    slug: 'laugh-track',
    title: 'Laugh Track',
    contentType: 'SERIES',
    genre: 'comedy',
    releaseYear: 2020,
    tags: ['sitcom', 'workplace'],
  },
  {
    slug: 'wild-planet-rainforests',
    title: 'Wild Planet: Rainforests',
    contentType: 'DOCUMENTARY',
    genre: 'documentary',
    releaseYear: 2022,
    tags: ['nature', 'wildlife'],
  },
];

export interface DemoUser {
  id: string;
  name: string;
  email: string;
  signupDate: string;
  preferredGenres: string[];
  preferredLanguage: string;
}

export const DEMO_USERS: DemoUser[] = [
  {
    id: LENA,
    name: 'Lena Fischer',
    email: 'lena@example.com',
    signupDate: '2024-01-15',
    preferredGenres: ['sci-fi', 'documentary'],
    preferredLanguage: 'en',
  },
  {
    id: MARCO,
    name: 'Marco Rossi',
    email: 'marco@example.com',
    signupDate: '2024-03-02',
    preferredGenres: ['thriller', 'drama', 'comedy'],
    preferredLanguage: 'it',
  },
  {
    id: YUKI,
    name: 'Yuki Tanaka',
    email: 'yuki@example.com',
    signupDate: '2024-06-20',
    preferredGenres: ['anime', 'drama', 'sci-fi'],
    preferredLanguage: 'ja',
  },
];

export interface DemoSession {
  userId: string;
  slug: string;
  watchedAt: string;
  progressPct: number;
  rating: number | null;
}

export const DEMO_SESSIONS: DemoSession[] = [
  { userId: LENA, slug: 'stellar-drift', watchedAt: '2025-03-01T20:00:00Z', progressPct: 100, rating: 5 },
  { userId: LENA, slug: 'ocean-depths', watchedAt: '2025-03-03T21:30:00Z', progressPct: 100, rating: 4 },
  {
    userId: LENA,
    slug: 'wild-planet-rainforests',
    watchedAt: '2025-03-05T19:45:00Z',
    progressPct: 100,
    rating: 5,
  },
  {
    userId: LENA,
    slug: 'the-last-algorithm',
    watchedAt: '2025-03-08T20:15:00Z',
    progressPct: 60,
    rating: null,
  },
  {
    userId: LENA,
    slug: 'the-silk-road-diaries',
    watchedAt: '2025-03-09T18:00:00Z',
    progressPct: 35,
    rating: null,
  },
  { userId: MARCO, slug: 'neon-shadows', watchedAt: '2025-03-02T22:00:00Z', progressPct: 100, rating: 4 },
  {
    userId: MARCO,
    slug: 'the-quantum-heist',
    watchedAt: '2025-03-04T21:00:00Z',
    progressPct: 100,
    rating: 5,
  },
  {
    userId: MARCO,
    slug: 'midnight-in-kyoto',
    watchedAt: '2025-03-06T20:30:00Z',
    progressPct: 100,
    rating: 3,
  },
  { userId: MARCO, slug: 'laugh-track', watchedAt: '2025-03-07T19:00:00Z', progressPct: 100, rating: 4 },
  { userId: MARCO, slug: 'ocean-depths', watchedAt: '2025-03-10T21:15:00Z', progressPct: 45, rating: null },
  {
    userId: YUKI,
    slug: 'spirit-blade-chronicles',
    watchedAt: '2025-03-01T12:00:00Z',
    progressPct: 100,
    rating: 5,
  },
  { userId: YUKI, slug: 'midnight-in-kyoto', watchedAt: '2025-03-03T13:30:00Z', progressPct: 100, rating: 4 },
  {
    userId: YUKI,
    slug: 'the-last-algorithm',
    watchedAt: '2025-03-05T14:00:00Z',
    progressPct: 100,
    rating: 5,
  },
  { userId: YUKI, slug: 'stellar-drift', watchedAt: '2025-03-08T15:45:00Z', progressPct: 80, rating: null },
  { userId: YUKI, slug: 'laugh-track', watchedAt: '2025-03-09T16:20:00Z', progressPct: 20, rating: null },
];

export interface DemoRecommendation {
  userId: string;
  slug: string;
  score: number;
  kind: ReasonKind;
  text: string;
  becauseOf: string[];
}

/** Until the recommender runs, these hand-written lists serve `forYou`; every cited title is one the user watched. */
export const DEMO_RECOMMENDATIONS: DemoRecommendation[] = [
  {
    userId: LENA,
    slug: 'the-quantum-heist',
    score: 0.92,
    kind: 'BECAUSE_YOU_WATCHED',
    text: 'Because you watched Stellar Drift',
    becauseOf: ['stellar-drift'],
  },
  {
    userId: LENA,
    slug: 'spirit-blade-chronicles',
    score: 0.81,
    kind: 'SIMILAR_TASTE',
    text: 'Viewers with taste like yours loved it',
    becauseOf: ['stellar-drift'],
  },
  { userId: LENA, slug: 'neon-shadows', score: 0.64, kind: 'TRENDING', text: 'Trending now', becauseOf: [] },
  {
    userId: MARCO,
    slug: 'the-last-algorithm',
    score: 0.95,
    kind: 'BECAUSE_YOU_WATCHED',
    text: 'Because you watched The Quantum Heist',
    becauseOf: ['the-quantum-heist'],
  },
  {
    userId: MARCO,
    slug: 'stellar-drift',
    score: 0.77,
    kind: 'SIMILAR_TASTE',
    text: 'Viewers with taste like yours loved it',
    becauseOf: ['midnight-in-kyoto'],
  },
  {
    userId: MARCO,
    slug: 'wild-planet-rainforests',
    score: 0.58,
    kind: 'TRENDING',
    text: 'Trending now',
    becauseOf: [],
  },
  {
    userId: YUKI,
    slug: 'ocean-depths',
    score: 0.88,
    kind: 'SIMILAR_TASTE',
    text: 'Viewers with taste like yours loved it',
    becauseOf: ['the-last-algorithm'],
  },
  {
    userId: YUKI,
    slug: 'neon-shadows',
    score: 0.79,
    kind: 'BECAUSE_YOU_WATCHED',
    text: 'Because you watched The Last Algorithm',
    becauseOf: ['the-last-algorithm'],
  },
  {
    userId: YUKI,
    slug: 'wild-planet-rainforests',
    score: 0.61,
    kind: 'TRENDING',
    text: 'Trending now',
    becauseOf: [],
  },
];
