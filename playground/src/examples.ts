/**
 * The operations the playground opens with, one tab each. Every one is validated against schema.graphql by
 * tests/playground.test.ts, so an example can never drift from the schema. The ids are the seeded demo's
 * (src/seed/demo-data.ts; kept literal here because this file is bundled for the browser). In development the Headers
 * pane starts with a token for Lena (src/playground.ts), so her examples run as her.
 */
export const DEMO_USER_LENA = 'aaaa1111-1111-1111-1111-111111111111';
/** contentId('neon-shadows') and contentId('the-last-algorithm'). */
export const DEMO_NEON_SHADOWS = '55583441-b285-5446-a846-b2305cd22a6c';
export const DEMO_THE_LAST_ALGORITHM = 'a7b4de51-5134-5a9a-b0a7-74ca9b6dd810';

export interface Example {
  /** The operation's name, which is also the tab's title. */
  name: string;
  query: string;
  variables?: Record<string, unknown>;
}

export const EXAMPLES: Example[] = [
  {
    name: 'HomeScreen',
    query: `# The home screen of Lena, a demo user: shelves in
# display order; the catalog data of every item comes
# from one batched lookup for all shelves.
query HomeScreen($userId: UUID!, $itemsPerShelf: Int = 5) {
  user(id: $userId) {
    name
    homeScreen(itemsPerShelf: $itemsPerShelf) {
      shelves {
        id
        kind
        title
        items {
          title
          progressPct
          reason {
            kind
            text
          }
          content {
            genre
            releaseYear
            ratingAvg
          }
        }
      }
    }
  }
}
`,
    variables: { userId: DEMO_USER_LENA },
  },
  {
    name: 'RecentlyWatched',
    query: `# Lena's viewing history, two sessions per page. Run
# it, copy pageInfo.endCursor into the "after" variable
# (Variables pane) and run it again for the next page.
query RecentlyWatched($userId: UUID!, $first: Int = 2, $after: String) {
  user(id: $userId) {
    recentlyWatched(first: $first, after: $after) {
      edges {
        cursor
        node {
          title
          watchedAt
          progressPct
          rating
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
`,
    variables: { userId: DEMO_USER_LENA, first: 2, after: null },
  },
  {
    name: 'TopPicksByGenre',
    query: `# The highest-rated titles of one genre, read from one
# leaderboard partition. Try "documentary" as the genre.
query TopPicksByGenre($genre: String = "sci-fi", $first: Int = 10) {
  topPicks(genre: $genre, first: $first) {
    rank
    title
    ratingAvg
    ratingCount
    content {
      contentType
      releaseYear
      tags
    }
  }
}
`,
    variables: { genre: 'sci-fi' },
  },
  {
    name: 'BrowseSciFi',
    query: `# The sci-fi titles of the catalog (a SAI index read), page
# by page. The catalog is public: this runs without a token too
# (remove the Authorization header in the Headers pane).
query BrowseSciFi($first: Int = 5, $after: String) {
  contentByGenre(genre: "sci-fi", first: $first, after: $after) {
    edges {
      node {
        title
        releaseYear
        ratingAvg
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
`,
  },
  {
    name: 'RecordWatch',
    query: `# Records that Lena watched 40% of Neon Shadows; the title
# moves to the front of her Continue Watching (run the
# HomeScreen tab again). Add an eventId to make retries safe.
mutation RecordWatch(
  $userId: UUID!
  $contentId: UUID!
  $progressPct: Int!
  $watchedAt: DateTime!
) {
  recordWatch(
    userId: $userId
    contentId: $contentId
    progressPct: $progressPct
    watchedAt: $watchedAt
  ) {
    event {
      title
      progressPct
      watchedAt
    }
    user {
      continueWatching(first: 3) {
        title
        progressPct
      }
    }
  }
}
`,
    variables: {
      userId: DEMO_USER_LENA,
      contentId: DEMO_NEON_SHADOWS,
      progressPct: 40,
      watchedAt: '2025-03-10T20:00:00.000Z',
    },
  },
  {
    name: 'RateTitle',
    query: `# Lena rates The Last Algorithm; rating again replaces her
# previous rating. The title's average and count follow.
mutation RateTitle($userId: UUID!, $contentId: UUID!, $rating: Int!) {
  rateContent(userId: $userId, contentId: $contentId, rating: $rating) {
    rating
    previousRating
    content {
      title
      ratingAvg
      ratingCount
    }
  }
}
`,
    variables: { userId: DEMO_USER_LENA, contentId: DEMO_THE_LAST_ALGORITHM, rating: 4 },
  },
];
