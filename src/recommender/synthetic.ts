/**
 * Deterministic synthetic catalog, users and interactions with structure a recommender can find:
 *  - titles across 12 genres (Zipf-like popularity, MOVIE | SERIES | DOCUMENTARY, genre and theme tags);
 *  - latent taste clusters: each cluster has two home genres and its own theme tags, each title belongs to one
 *    cluster (usually one whose home genres include the title's genre);
 *  - users with a primary (and sometimes a secondary) cluster, liked genres, optional declared preferences and
 *    a log-normal activity level;
 *  - each interaction is drawn ∝ popularity^0.7 × cluster match × genre match, and its outcome (completion,
 *    partial progress, rating, re-watches, dismissal) depends on how well the title fits the user.
 */
import { gaussian, mulberry32, type Rng } from './random';
import type { ContentType, InteractionRow, ItemMeta, UserMeta } from './types';

export interface SyntheticOptions {
  users?: number;
  items?: number;
  /** Mean interactions per user. */
  interactionsPerUser?: number;
  clusters?: number;
  seed?: number;
  /** Timestamps fall in the `days` before `now`. */
  now?: Date;
  days?: number;
  /** Zipf exponent of title popularity. */
  zipf?: number;
}

export interface SyntheticData {
  items: ItemMeta[];
  users: UserMeta[];
  rows: InteractionRow[];
  /** Ground truth, for diagnostics. */
  itemCluster: Int32Array;
  userCluster: Int32Array;
}

export const SYNTHETIC_GENRES = [
  'Drama',
  'Comedy',
  'Action',
  'Thriller',
  'Sci-Fi',
  'Documentary',
  'Animation',
  'Romance',
  'Horror',
  'Crime',
  'Fantasy',
  'Family',
] as const;

/** Relative share of titles per genre (SYNTHETIC_GENRES order). */
const GENRE_SHARE = [14, 12, 10, 9, 7, 8, 6, 7, 6, 8, 6, 7];

const GENRE_TAGS: Record<string, string[]> = {
  Drama: ['family-saga', 'coming-of-age', 'period', 'courtroom', 'biopic', 'melancholic'],
  Comedy: ['sitcom', 'satire', 'romcom', 'slapstick', 'dark-comedy', 'feel-good'],
  Action: ['heist', 'martial-arts', 'car-chase', 'superhero', 'spy', 'war'],
  Thriller: ['psychological', 'conspiracy', 'twist-ending', 'survival', 'political', 'slow-burn'],
  'Sci-Fi': ['space', 'time-travel', 'dystopia', 'artificial-intelligence', 'aliens', 'cyberpunk'],
  Documentary: ['nature', 'true-crime', 'history', 'science', 'music', 'sports'],
  Animation: ['anime', 'stop-motion', 'pixar-style', 'adult-animation', 'musical', 'talking-animals'],
  Romance: ['slow-romance', 'love-triangle', 'wedding', 'second-chance', 'long-distance', 'royal'],
  Horror: ['haunted-house', 'slasher', 'zombies', 'supernatural', 'found-footage', 'folk-horror'],
  Crime: ['detective', 'mafia', 'heist', 'police-procedural', 'noir', 'cartel'],
  Fantasy: ['dragons', 'magic-school', 'epic-quest', 'fairy-tale', 'mythology', 'sword-and-sorcery'],
  Family: ['holiday', 'pets', 'adventure', 'friendship', 'school', 'road-trip'],
};

const ADJECTIVES = (
  'Ocean Silent Crimson Hidden Last Broken Golden Midnight Frozen Electric Distant Wild Secret Burning Lost ' +
  'Iron Paper Glass Northern Velvet Hollow Bright Savage Quiet Restless Lunar Scarlet Emerald Shadow Copper'
).split(' ');
const NOUNS = (
  'Depths Horizon Empire Signal Garden River Protocol Echo Harbor Frontier Kingdom Letters Machine Summer Station ' +
  'Dynasty Orchard Circuit Island Verdict Lantern Canyon Archive Carnival Voyage Citadel Meridian Tides Pilgrim Mirage'
).split(' ');

function uuid(rng: Rng): string {
  const hex = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(rng() * 16).toString(16);
    return s;
  };
  const variant = (8 + Math.floor(rng() * 4)).toString(16);
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}

function pickWeighted(rng: Rng, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let x = rng() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i];
    if (x < 0) return i;
  }
  return weights.length - 1;
}

function shuffle<T>(rng: Rng, a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export function generateSynthetic(options: SyntheticOptions = {}): SyntheticData {
  const nUsers = options.users ?? 2000;
  const nItems = options.items ?? 1000;
  const perUser = options.interactionsPerUser ?? 50;
  const nClusters = options.clusters ?? 10;
  const now = (options.now ?? new Date('2025-06-01T00:00:00Z')).getTime();
  const spanMs = (options.days ?? 180) * 86_400_000;
  const zipf = options.zipf ?? 0.9;
  const rng = mulberry32(options.seed ?? 1);
  const nGenres = SYNTHETIC_GENRES.length;

  // Clusters: two home genres and four theme tags each.
  const clusterGenres: number[][] = [];
  const clusterTags: string[][] = [];
  for (let c = 0; c < nClusters; c++) {
    const g1 = c % nGenres;
    let g2 = Math.floor(rng() * nGenres);
    if (g2 === g1) g2 = (g2 + 1) % nGenres;
    clusterGenres.push([g1, g2]);
    clusterTags.push([0, 1, 2, 3].map((t) => `theme-${c}-${t}`));
  }

  // Titles.
  const popRank = shuffle(
    rng,
    Array.from({ length: nItems }, (_, i) => i),
  );
  const itemPop = new Float64Array(nItems);
  const itemGenre = new Int32Array(nItems);
  const itemCluster = new Int32Array(nItems);
  const items: ItemMeta[] = [];
  const usedTitles = new Set<string>();
  for (let i = 0; i < nItems; i++) {
    itemPop[i] = 1 / Math.pow(popRank[i] + 1, zipf);
    const g = pickWeighted(rng, GENRE_SHARE);
    itemGenre[i] = g;
    const genre = SYNTHETIC_GENRES[g];
    const homes: number[] = [];
    for (let c = 0; c < nClusters; c++) if (clusterGenres[c].includes(g)) homes.push(c);
    const c =
      homes.length > 0 && rng() < 0.7
        ? homes[Math.floor(rng() * homes.length)]
        : Math.floor(rng() * nClusters);
    itemCluster[i] = c;
    const genreTags = GENRE_TAGS[genre];
    const tags = new Set<string>();
    const nGenreTags = 1 + Math.floor(rng() * 2);
    while (tags.size < nGenreTags) tags.add(genreTags[Math.floor(rng() * genreTags.length)]);
    if (rng() < 0.8) tags.add(clusterTags[c][Math.floor(rng() * 4)]);
    const contentType: ContentType =
      genre === 'Documentary' ? 'DOCUMENTARY' : rng() < 0.3 ? 'SERIES' : 'MOVIE';
    let title = `${ADJECTIVES[Math.floor(rng() * ADJECTIVES.length)]} ${NOUNS[Math.floor(rng() * NOUNS.length)]}`;
    for (let n = 2; usedTitles.has(title); n++) title = `${title.replace(/ \d+$/, '')} ${n}`;
    usedTitles.add(title);
    items.push({
      contentId: uuid(rng),
      title,
      genre,
      tags: [...tags],
      releaseYear: 2025 - Math.floor(Math.pow(rng(), 2) * 50),
      contentType,
    });
  }

  // Users and their interactions.
  const users: UserMeta[] = [];
  const rows: InteractionRow[] = [];
  const userCluster = new Int32Array(nUsers);
  const weights = new Float64Array(nItems);
  const cumulative = new Float64Array(nItems);
  const taken = new Uint8Array(nItems);
  const popPow = itemPop.map((p) => Math.pow(p, 0.7));
  for (let u = 0; u < nUsers; u++) {
    const userId = uuid(rng);
    const primary = Math.floor(rng() * nClusters);
    const secondary = rng() < 0.4 ? Math.floor(rng() * nClusters) : -1;
    userCluster[u] = primary;
    const liked = new Set<number>([clusterGenres[primary][rng() < 0.7 ? 0 : 1]]);
    if (rng() < 0.5) liked.add(Math.floor(rng() * nGenres));
    const preferredGenres: string[] = [];
    if (rng() < 0.7) {
      for (const g of liked)
        if (preferredGenres.length === 0 || rng() < 0.6) preferredGenres.push(SYNTHETIC_GENRES[g]);
    }
    users.push({ userId, preferredGenres });

    const count = Math.max(
      3,
      Math.min(Math.floor(nItems / 3), Math.round(perUser * Math.exp(0.6 * gaussian(rng) - 0.18))),
    );
    let total = 0;
    for (let i = 0; i < nItems; i++) {
      const c = itemCluster[i];
      const fit = c === primary ? 12 : c === secondary ? 5 : 1;
      total += weights[i] = popPow[i] * fit * (liked.has(itemGenre[i]) ? 2 : 1);
      cumulative[i] = total;
    }
    const chosen: number[] = [];
    for (let guard = 0; chosen.length < count && guard < count * 50; guard++) {
      const x = rng() * total;
      let lo = 0;
      let hi = nItems - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid] > x) hi = mid;
        else lo = mid + 1;
      }
      if (taken[lo] === 0) {
        taken[lo] = 1;
        chosen.push(lo);
      }
    }
    for (const i of chosen) {
      taken[i] = 0;
      const c = itemCluster[i];
      const fit =
        (c === primary ? 0.75 : c === secondary ? 0.55 : 0.25) + (liked.has(itemGenre[i]) ? 0.1 : 0);
      const affinity = Math.min(1, Math.max(0, fit + 0.15 * gaussian(rng)));
      const lastAt = new Date(now - Math.floor(Math.pow(rng(), 1.5) * spanMs));
      if (rng() < 0.12 * (1 - affinity)) {
        rows.push({
          userId,
          contentId: items[i].contentId,
          progressPct: null,
          completed: false,
          rating: null,
          dismissed: true,
          watchCount: 0,
          lastAt,
        });
        continue;
      }
      const completed = rng() < 0.1 + 0.8 * affinity;
      const progressPct = completed ? 100 : Math.max(1, Math.round(100 * rng() * (0.3 + 0.6 * affinity)));
      const rated = (completed || progressPct > 30) && rng() < 0.35;
      const rating = rated
        ? Math.min(5, Math.max(1, Math.round(1 + 4 * affinity + 0.7 * gaussian(rng))))
        : null;
      const watchCount = completed && rng() < 0.25 * affinity ? 2 + Math.floor(rng() * 2) : 1;
      rows.push({
        userId,
        contentId: items[i].contentId,
        progressPct,
        completed,
        rating,
        dismissed: false,
        watchCount,
        lastAt,
      });
    }
  }
  return { items, users, rows, itemCluster, userCluster };
}
