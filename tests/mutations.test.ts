import { contentId, LENA, MARCO, YUKI } from '../src/seed/demo-data';
import { WriteServices } from '../src/services/writes';
import { createTestApp, type GraphQLResponse, type TestApp } from './support/app';
import { tablesMentioning, type Loose } from './writes-support';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ seed: true });
});
afterAll(() => app.close());

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const OCEAN = contentId('ocean-depths');
const NEON = contentId('neon-shadows');

type Res = GraphQLResponse<Record<string, Loose>>;
const gql = (q: string, v?: Record<string, unknown>) => app.gql<Record<string, Loose>>(q, v) as Promise<Res>;
const code = (res: Res) => res.errors?.[0]?.extensions?.code;

/** The tables holding a row that mentions `value` anywhere (proves "nothing written"). */
const rowsMentioning = async (value: string) => Object.keys(await tablesMentioning(app, value));

const CREATE = `mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id name email preferredGenres preferredLanguage signupDate } } }`;

describe('createUser', () => {
  it('when a new account is created, then it is found by id and by e-mail through the API', async () => {
    const res = await gql(CREATE, {
      input: {
        name: 'Ada Lovelace',
        email: 'Ada@Example.com',
        preferredGenres: ['Sci-Fi', 'drama'],
        preferredLanguage: 'en',
      },
    });
    expect(res.errors).toBeUndefined();
    const user = res.data!.createUser.user;
    expect(user).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      preferredGenres: ['drama', 'sci-fi'],
      preferredLanguage: 'en',
    });
    expect(user.signupDate).toBe(new Date().toISOString().slice(0, 10));
    const byEmail = await gql('{ userByEmail(email: "ada@example.com") { id name } }');
    expect(byEmail.data!.userByEmail).toEqual({ id: user.id, name: 'Ada Lovelace' });
  });

  it('when the e-mail belongs to another account, then BAD_USER_INPUT with detail EMAIL_TAKEN and nothing is written', async () => {
    const res = await gql(CREATE, { input: { name: 'Impostor Zed', email: 'LENA@example.com' } });
    expect(code(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].extensions!.detail).toBe('EMAIL_TAKEN');
    expect(await rowsMentioning('Impostor Zed')).toEqual([]);
    const lena = await gql('{ userByEmail(email: "lena@example.com") { id } }');
    expect(lena.data!.userByEmail.id).toBe(LENA);
  });

  it('when the name is empty or too long, then BAD_USER_INPUT and no e-mail is claimed', async () => {
    for (const name of ['   ', 'x'.repeat(101)]) {
      const res = await gql(CREATE, { input: { name, email: 'nobody-claims-this@example.com' } });
      expect(code(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].extensions!.argument).toBe('name');
    }
    expect(await rowsMentioning('nobody-claims-this@example.com')).toEqual([]);
  });

  it('when the profile write fails after the e-mail was claimed, then the claim is released (the address stays free)', async () => {
    const failing = new WriteServices(app.repos, app.config, {
      step: (name) => {
        if (name === 'createUser:afterClaim') throw new Error('simulated failure after the claim');
      },
    });
    await expect(failing.createUser({ name: 'Half Made', email: 'half-made@example.com' })).rejects.toThrow(
      'simulated',
    );
    expect(await rowsMentioning('half-made@example.com')).toEqual([]);
    const retry = await gql(CREATE, { input: { name: 'Half Made', email: 'half-made@example.com' } });
    expect(retry.data!.createUser.user.email).toBe('half-made@example.com');
  });

  it('when a genre or the language is malformed, then BAD_USER_INPUT names the argument', async () => {
    const a = await gql(CREATE, {
      input: { name: 'Bob', email: 'bob1@example.com', preferredGenres: ['<script>'] },
    });
    expect(a.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'preferredGenres' });
    const b = await gql(CREATE, {
      input: { name: 'Bob', email: 'bob1@example.com', preferredLanguage: 'english please' },
    });
    expect(b.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'preferredLanguage' });
  });
});

describe('updatePreferences', () => {
  const UPDATE = `mutation ($id: UUID!, $add: [String!], $remove: [String!], $lang: String) {
    updatePreferences(userId: $id, addGenres: $add, removeGenres: $remove, preferredLanguage: $lang) { user { preferredGenres preferredLanguage } } }`;

  it('when genres are added and removed, then the user shows the new set and the language (read back through the API)', async () => {
    const res = await gql(UPDATE, { id: YUKI, add: ['horror'], remove: ['drama'], lang: 'ja-JP' });
    expect(res.data!.updatePreferences.user).toEqual({
      preferredGenres: ['anime', 'horror', 'sci-fi'],
      preferredLanguage: 'ja-JP',
    });
    const read = await gql(`{ user(id: "${YUKI}") { preferredGenres preferredLanguage } }`);
    expect(read.data!.user).toEqual({
      preferredGenres: ['anime', 'horror', 'sci-fi'],
      preferredLanguage: 'ja-JP',
    });
  });

  it('when many different genres are added concurrently, then none is lost (no read-modify-write)', async () => {
    const genres = Array.from({ length: 12 }, (_, i) => `genre-${i}`);
    await Promise.all(genres.map((g) => gql(UPDATE, { id: MARCO, add: [g] })));
    const read = await gql(`{ user(id: "${MARCO}") { preferredGenres } }`);
    expect(read.data!.user.preferredGenres).toEqual(expect.arrayContaining(genres));
  });

  it('when the language is omitted, then it is kept; when it is null, then it is cleared', async () => {
    await gql(UPDATE, { id: LENA, add: ['comedy'] });
    expect((await gql(`{ user(id: "${LENA}") { preferredLanguage } }`)).data!.user.preferredLanguage).toBe(
      'en',
    );
    await gql(UPDATE, { id: LENA, lang: null });
    expect(
      (await gql(`{ user(id: "${LENA}") { preferredLanguage } }`)).data!.user.preferredLanguage,
    ).toBeNull();
  });

  it('when a genre is both added and removed, then BAD_USER_INPUT', async () => {
    const res = await gql(UPDATE, { id: LENA, add: ['drama'], remove: ['Drama'] });
    expect(code(res)).toBe('BAD_USER_INPUT');
  });

  it('when the user does not exist, then NOT_FOUND and no profile row appears', async () => {
    const res = await gql(UPDATE, { id: UNKNOWN, add: ['drama'] });
    expect(code(res)).toBe('NOT_FOUND');
    expect(await rowsMentioning(UNKNOWN)).toEqual([]);
  });
});

describe('changeEmail', () => {
  const CHANGE = `mutation ($id: UUID!, $email: EmailAddress!) { changeEmail(userId: $id, email: $email) { user { id email } previousEmail } }`;

  async function newUser(email: string): Promise<string> {
    const res = await gql(CREATE, { input: { name: 'Mover', email } });
    return res.data!.createUser.user.id;
  }
  async function claimsOf(userId: string): Promise<string[]> {
    const rs = await app.client.execute(`SELECT email, user_id FROM ${app.keyspace}.users_by_email`);
    return rs.rows
      .filter((r) => String(r.user_id) === userId)
      .map((r) => r.email as string)
      .sort();
  }

  it('when the address changes, then the new one finds the user and the old one does not', async () => {
    const id = await newUser('mover-old@example.com');
    const res = await gql(CHANGE, { id, email: 'Mover-New@example.com' });
    expect(res.data!.changeEmail).toEqual({
      user: { id, email: 'mover-new@example.com' },
      previousEmail: 'mover-old@example.com',
    });
    expect((await gql('{ userByEmail(email: "mover-new@example.com") { id } }')).data!.userByEmail.id).toBe(
      id,
    );
    expect(code(await gql('{ userByEmail(email: "mover-old@example.com") { id } }'))).toBe('NOT_FOUND');
    expect(await claimsOf(id)).toEqual(['mover-new@example.com']);
  });

  it('when the new address is taken, then EMAIL_TAKEN and the account keeps its address', async () => {
    const id = await newUser('keeper@example.com');
    const res = await gql(CHANGE, { id, email: 'marco@example.com' });
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', detail: 'EMAIL_TAKEN' });
    expect(await claimsOf(id)).toEqual(['keeper@example.com']);
    expect((await gql('{ userByEmail(email: "marco@example.com") { id } }')).data!.userByEmail.id).toBe(
      MARCO,
    );
  });

  it('when the user does not exist, then NOT_FOUND and the address stays free', async () => {
    const res = await gql(CHANGE, { id: UNKNOWN, email: 'ghost-claim@example.com' });
    expect(code(res)).toBe('NOT_FOUND');
    expect(await rowsMentioning('ghost-claim@example.com')).toEqual([]);
  });

  it('when a step fails before the move, then the new claim is released and the old address still works', async () => {
    const id = await newUser('fail-before-move@example.com');
    const failing = new WriteServices(app.repos, app.config, {
      step: (name) => {
        if (name === 'changeEmail:afterClaim') throw new Error('simulated failure after the claim');
      },
    });
    await expect(failing.changeEmail(id, 'never-moved@example.com')).rejects.toThrow('simulated');
    expect(await claimsOf(id)).toEqual(['fail-before-move@example.com']);
    expect(
      (await gql('{ userByEmail(email: "fail-before-move@example.com") { id } }')).data!.userByEmail.id,
    ).toBe(id);
  });

  it('when the compensation fails too, then the claim stays recorded and the next change releases it (no orphan)', async () => {
    const id = await newUser('double-fault@example.com');
    const failing = new WriteServices(app.repos, app.config, {
      step: (name) => {
        if (name === 'changeEmail:afterClaim' || name === 'changeEmail:compensate')
          throw new Error('simulated outage');
      },
    });
    await expect(failing.changeEmail(id, 'stranded@example.com')).rejects.toThrow('simulated');
    // No lost account: the current address still finds it; the stranded claim is recorded on the profile.
    expect(
      (await gql('{ userByEmail(email: "double-fault@example.com") { id } }')).data!.userByEmail.id,
    ).toBe(id);
    expect(await app.repos.users.emailClaims(id)).toEqual(['stranded@example.com']);
    const res = await gql(CHANGE, { id, email: 'recovered@example.com' });
    expect(res.errors).toBeUndefined();
    expect(await claimsOf(id)).toEqual(['recovered@example.com']);
  });

  it('when a step fails after the move, then the account is on the new address and a retry releases the old one', async () => {
    const id = await newUser('fail-after-move@example.com');
    const failing = new WriteServices(app.repos, app.config, {
      step: (name) => {
        if (name === 'changeEmail:afterMove') throw new Error('simulated failure after the move');
      },
    });
    await expect(failing.changeEmail(id, 'moved@example.com')).rejects.toThrow('simulated');
    expect((await gql('{ userByEmail(email: "moved@example.com") { id email } }')).data!.userByEmail).toEqual(
      { id, email: 'moved@example.com' },
    );
    const retry = await gql(CHANGE, { id, email: 'moved@example.com' });
    expect(retry.errors).toBeUndefined();
    expect(await claimsOf(id)).toEqual(['moved@example.com']);
  });
});

describe('recordWatch and updateProgress', () => {
  const WATCH = `mutation ($u: UUID!, $c: UUID!, $p: Int!, $at: DateTime!, $e: UUID) {
    recordWatch(userId: $u, contentId: $c, progressPct: $p, watchedAt: $at, eventId: $e) {
      event { title progressPct watchedAt content { id } }
      user { continueWatching { title progressPct } }
    } }`;
  const historyOf = async (u: string) =>
    (
      await gql(
        `{ user(id: "${u}") { recentlyWatched(first: 100) { edges { node { title watchedAt progressPct content { id } } } } } }`,
      )
    ).data!.user.recentlyWatched.edges.map((e: { node: unknown }) => e.node);

  it('when a session is recorded, then history, continue watching and the interaction log show it', async () => {
    const at = '2025-04-01T20:00:00.000Z';
    const res = await gql(WATCH, { u: YUKI, c: NEON, p: 30, at });
    expect(res.errors).toBeUndefined();
    expect(res.data!.recordWatch.event).toEqual({
      title: 'Neon Shadows',
      progressPct: 30,
      watchedAt: at,
      content: { id: NEON },
    });
    expect(res.data!.recordWatch.user.continueWatching[0]).toEqual({
      title: 'Neon Shadows',
      progressPct: 30,
    });
    expect((await historyOf(YUKI))[0]).toEqual({
      title: 'Neon Shadows',
      watchedAt: at,
      progressPct: 30,
      content: { id: NEON },
    });
    const log = await app.client.execute(
      `SELECT progress_pct FROM ${app.keyspace}.interactions_by_user WHERE user_id = ? AND content_id = ?`,
      [YUKI, NEON],
      { prepare: true },
    );
    expect(log.first().progress_pct).toBe(30);
  });

  it('when the same session is sent three times, then it is recorded once', async () => {
    const at = '2025-04-02T20:00:00.000Z';
    for (let i = 0; i < 3; i++)
      expect((await gql(WATCH, { u: YUKI, c: OCEAN, p: 10, at })).errors).toBeUndefined();
    expect((await historyOf(YUKI)).filter((n: { watchedAt: string }) => n.watchedAt === at)).toHaveLength(1);
  });

  it('when a retry carries the same event id but another time, then the original session is kept and not duplicated', async () => {
    const e = '5e5e5e5e-0000-4000-8000-000000000001';
    const first = await gql(WATCH, { u: LENA, c: NEON, p: 20, at: '2025-04-03T20:00:00.000Z', e });
    const retry = await gql(WATCH, { u: LENA, c: NEON, p: 20, at: '2025-04-03T20:00:05.000Z', e });
    expect(retry.data!.recordWatch.event.watchedAt).toBe(first.data!.recordWatch.event.watchedAt);
    const sessions = (await historyOf(LENA)).filter(
      (n: { content: { id: string } }) => n.content.id === NEON,
    );
    expect(sessions).toHaveLength(1);
  });

  it('when an event id is reused for another title, then BAD_USER_INPUT and nothing is written', async () => {
    const e = '5e5e5e5e-0000-4000-8000-000000000002';
    await gql(WATCH, { u: MARCO, c: NEON, p: 20, at: '2025-04-04T20:00:00.000Z', e });
    const res = await gql(WATCH, { u: MARCO, c: OCEAN, p: 20, at: '2025-04-04T21:00:00.000Z', e });
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', detail: 'EVENT_ID_TAKEN' });
    expect(
      (await historyOf(MARCO)).some((n: { watchedAt: string }) => n.watchedAt === '2025-04-04T21:00:00.000Z'),
    ).toBe(false);
  });

  it('when progress is outside 0–100, watchedAt is in the future, or the user or title is unknown, then nothing is written', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ u: LENA, c: NEON, p: 101, at: '2025-04-05T20:00:00.000Z' }, 'BAD_USER_INPUT', 'progressPct'],
      [{ u: LENA, c: NEON, p: -1, at: '2025-04-05T20:00:00.000Z' }, 'BAD_USER_INPUT', 'progressPct'],
      [{ u: LENA, c: NEON, p: 50, at: future }, 'BAD_USER_INPUT', 'watchedAt'],
      [{ u: UNKNOWN, c: NEON, p: 50, at: '2025-04-05T20:00:00.000Z' }, 'NOT_FOUND', 'userId'],
      [{ u: LENA, c: UNKNOWN, p: 50, at: '2025-04-05T20:00:00.000Z' }, 'NOT_FOUND', 'contentId'],
    ];
    for (const [vars, expected, argument] of cases) {
      const res = await gql(WATCH, vars);
      expect(res.errors![0].extensions).toMatchObject({ code: expected, argument });
    }
    expect(
      (await historyOf(LENA)).some((n: { watchedAt: string }) => n.watchedAt === '2025-04-05T20:00:00.000Z'),
    ).toBe(false);
    expect(await rowsMentioning(UNKNOWN)).toEqual([]);
  });

  const PROGRESS = `mutation ($u: UUID!, $c: UUID!, $p: Int!) { updateProgress(userId: $u, contentId: $c, progressPct: $p) {
    progressPct finished continueWatchingItem { title progressPct lastWatchedAt } user { continueWatching { title progressPct } } } }`;

  it('when Marco resumes Ocean Depths at 78%, then Continue Watching and his history show 78%', async () => {
    const res = await gql(PROGRESS, { u: MARCO, c: OCEAN, p: 78 });
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateProgress).toMatchObject({
      progressPct: 78,
      finished: false,
      continueWatchingItem: {
        title: 'Ocean Depths',
        progressPct: 78,
        lastWatchedAt: '2025-03-10T21:15:00.000Z',
      },
    });
    const cw = (await gql(`{ user(id: "${MARCO}") { continueWatching { title progressPct } } }`)).data!.user
      .continueWatching;
    expect(cw).toContainEqual({ title: 'Ocean Depths', progressPct: 78 });
    const session = (await historyOf(MARCO)).find(
      (n: { watchedAt: string }) => n.watchedAt === '2025-03-10T21:15:00.000Z',
    );
    expect(session.progressPct).toBe(78);
  });

  it('when Marco finishes Ocean Depths, then it leaves Continue Watching', async () => {
    const res = await gql(PROGRESS, { u: MARCO, c: OCEAN, p: 100 });
    expect(res.data!.updateProgress).toMatchObject({ finished: true, continueWatchingItem: null });
    const cw = (await gql(`{ user(id: "${MARCO}") { continueWatching { title } } }`)).data!.user
      .continueWatching;
    expect(cw.map((c: { title: string }) => c.title)).not.toContain('Ocean Depths');
    const log = await app.client.execute(
      `SELECT completed FROM ${app.keyspace}.interactions_by_user WHERE user_id = ? AND content_id = ?`,
      [MARCO, OCEAN],
      { prepare: true },
    );
    expect(log.first().completed).toBe(true);
  });

  it('when nothing is in progress for the title, then a new session starts now', async () => {
    const before = Date.now();
    const res = await gql(PROGRESS, { u: LENA, c: contentId('laugh-track'), p: 12 });
    expect(res.data!.updateProgress.continueWatchingItem.progressPct).toBe(12);
    const latest = (await historyOf(LENA))[0];
    expect(latest.content.id).toBe(contentId('laugh-track'));
    expect(Date.parse(latest.watchedAt)).toBeGreaterThanOrEqual(before - 5);
  });

  it('when progress is out of range or the title unknown, then it is refused and the entry is unchanged', async () => {
    expect(code(await gql(PROGRESS, { u: LENA, c: contentId('the-last-algorithm'), p: 150 }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(code(await gql(PROGRESS, { u: LENA, c: UNKNOWN, p: 50 }))).toBe('NOT_FOUND');
    expect(code(await gql(PROGRESS, { u: UNKNOWN, c: OCEAN, p: 50 }))).toBe('NOT_FOUND');
    const cw = (await gql(`{ user(id: "${LENA}") { continueWatching { title progressPct } } }`)).data!.user
      .continueWatching;
    expect(cw).toContainEqual({ title: 'The Last Algorithm', progressPct: 60 });
  });
});

describe('dismissRecommendation', () => {
  const DISMISS = `mutation ($u: UUID!, $c: UUID!) { dismissRecommendation(userId: $u, contentId: $c) { removedFromList user { forYou { edges { node { rank title } } } } } }`;

  it('when Lena dismisses The Quantum Heist, then it is gone from forYou at once and recorded as dismissed', async () => {
    const res = await gql(DISMISS, { u: LENA, c: contentId('the-quantum-heist') });
    expect(res.errors).toBeUndefined();
    expect(res.data!.dismissRecommendation.removedFromList).toBe(true);
    const titles = res.data!.dismissRecommendation.user.forYou.edges.map(
      (e: { node: { title: string } }) => e.node.title,
    );
    expect(titles).toEqual(['Spirit Blade Chronicles', 'Neon Shadows']);
    const read = await gql(`{ user(id: "${LENA}") { forYou { edges { node { rank title } } } } }`);
    expect(read.data!.user.forYou.edges.map((e: { node: { rank: number } }) => e.node.rank)).toEqual([2, 3]);
    const log = await app.client.execute(
      `SELECT dismissed FROM ${app.keyspace}.interactions_by_user WHERE user_id = ? AND content_id = ?`,
      [LENA, contentId('the-quantum-heist')],
      { prepare: true },
    );
    expect(log.first().dismissed).toBe(true);
    const index = await app.client.execute(
      `SELECT user_id FROM ${app.keyspace}.recommendations_by_content WHERE content_id = ? AND user_id = ?`,
      [contentId('the-quantum-heist'), LENA],
      { prepare: true },
    );
    expect(index.rowLength).toBe(0);
  });

  it('when the title is not in the list, then it is still recorded as dismissed', async () => {
    const res = await gql(DISMISS, { u: LENA, c: contentId('laugh-track') });
    expect(res.data!.dismissRecommendation.removedFromList).toBe(false);
    const log = await app.client.execute(
      `SELECT dismissed FROM ${app.keyspace}.interactions_by_user WHERE user_id = ? AND content_id = ?`,
      [LENA, contentId('laugh-track')],
      { prepare: true },
    );
    expect(log.first().dismissed).toBe(true);
  });

  it('when the user or title is unknown, then NOT_FOUND and the list is unchanged', async () => {
    expect(code(await gql(DISMISS, { u: UNKNOWN, c: NEON }))).toBe('NOT_FOUND');
    expect(code(await gql(DISMISS, { u: YUKI, c: UNKNOWN }))).toBe('NOT_FOUND');
    const read = await gql(`{ user(id: "${YUKI}") { forYou { edges { node { rank } } } } }`);
    expect(read.data!.user.forYou.edges).toHaveLength(3);
  });
});

describe('errors', () => {
  it('when the database fails under a mutation, then the client gets a generic error without CQL or a stack trace', async () => {
    // Breaks this test keyspace on purpose (last test of the file): the event-id claim's table disappears.
    await app.client.execute(`DROP TABLE ${app.keyspace}.watch_events_by_id`);
    const res =
      await gql(`mutation { recordWatch(userId: "${LENA}", contentId: "${NEON}", progressPct: 5, watchedAt: "2025-05-01T00:00:00Z",
      eventId: "5e5e5e5e-0000-4000-8000-0000000000ff") { event { title } } }`);
    // Unprepared-and-unpreparable surfaces as "no host could serve it" (retryable), anything else as internal.
    expect(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE']).toContain(code(res));
    expect(['Internal server error', 'The database is temporarily unavailable; retry shortly.']).toContain(
      res.errors![0].message,
    );
    expect(res.data).toBeNull();
    expect(JSON.stringify(res)).not.toMatch(/SELECT|INSERT|watch_events|unconfigured|stack|\.ts:/i);
  });
});
