/**
 * The playground in a real browser: Debian's Chromium driven by playwright-core (no browser download), headless.
 * Every request that is not to 127.0.0.1 is aborted and recorded, so a passing run proves the page works offline.
 * Screenshots go to test-artifacts/ (git-ignored).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_USER_LENA, EXAMPLES } from '../playground/src/examples';
import { createTestApp, type TestApp } from './support/app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '..', 'test-artifacts');

let app: TestApp;
let browser: Browser;
let playgroundUrl: string;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  app = await createTestApp({ seed: true });
  playgroundUrl = app.url.replace(/\/graphql$/, '/playground/');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

interface Session {
  context: BrowserContext;
  page: Page;
  /** Requests the page tried to make anywhere but 127.0.0.1 (all aborted). */
  outside: string[];
  /** Requests it made to the service. */
  local: string[];
  /** Console errors and uncaught page errors. */
  problems: string[];
}

let session: Session | undefined;
afterEach(async () => {
  await session?.context.close();
  session = undefined;
});

/** A fresh browser profile (nothing stored) on the playground, its editors ready. */
async function openPlayground(): Promise<Session> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const s: Session = { context, page: await context.newPage(), outside: [], local: [], problems: [] };
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.hostname === '127.0.0.1') {
      s.local.push(`${route.request().method()} ${url.pathname}`);
      return route.continue();
    }
    s.outside.push(url.toString());
    return route.abort('internetdisconnected');
  });
  s.page.on('console', (m) => m.type() === 'error' && s.problems.push(`console: ${m.text()}`));
  s.page.on('pageerror', (e) => s.problems.push(`page error: ${e.message}`));
  await s.page.goto(playgroundUrl);
  await s.page.locator('.graphiql-query-editor .CodeMirror').waitFor({ timeout: 30_000 });
  await s.page.locator('.graphiql-execute-button').waitFor();
  session = s;
  return s;
}

/** Just enough of the page's DOM for the functions below (the tests compile without the DOM typings). */
type PageGlobals = {
  document: {
    querySelector(
      selector: string,
    ): { CodeMirror?: { getValue(): string; operationName?: string | null } } | null;
  };
};

/** The text of the Headers editor (the second editor of the tools pane; CodeMirror keeps it on its instance). */
async function headerEditorValue(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      (globalThis as unknown as PageGlobals).document
        .querySelector('section.graphiql-editor-tool > .graphiql-editor:nth-child(2) .CodeMirror')
        ?.CodeMirror?.getValue() ?? '',
  );
}

/**
 * Runs the active tab and returns the full text of the result pane once it holds data or errors. The predicate runs in the page
 * as a function, not a string (the page's CSP forbids evaluating strings); CodeMirror 5 keeps its instance on its
 * element and puts only the visible lines into the DOM, so the text comes from the instance.
 */
async function runAndWaitForResult(page: Page): Promise<unknown> {
  await page.locator('.graphiql-execute-button').click();
  const handle = await page.waitForFunction(
    () => {
      const text =
        (globalThis as unknown as PageGlobals).document
          .querySelector('.result-window .CodeMirror')
          ?.CodeMirror?.getValue() ?? '';
      return text.includes('"data"') || text.includes('"errors"') ? text : false;
    },
    undefined,
    { timeout: 20_000 },
  );
  return JSON.parse((await handle.jsonValue()) as string);
}

describe('playground in a browser (Chromium, offline)', () => {
  it('when the playground opens, then every example operation is there as a tab', async () => {
    const { page } = await openPlayground();
    await expect(page.locator('.graphiql-tab').allInnerTexts()).resolves.toEqual(EXAMPLES.map((e) => e.name));
  });

  it("when the home-screen example is run, then the result pane shows Lena's shelf titles", async () => {
    const { page, problems } = await openPlayground();
    const result = (await runAndWaitForResult(page)) as {
      data: { user: { name: string; homeScreen: { shelves: Array<{ title: string }> } } };
      errors?: unknown;
    };
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'playground-home-screen.png') });
    expect(result.errors).toBeUndefined();
    expect(result.data.user.name).toBe('Lena Fischer');
    expect(result.data.user.homeScreen.shelves.map((s) => s.title)).toEqual([
      'Continue Watching',
      'For You',
      'Top Picks',
      'Recently Watched',
      'Top Documentary',
      'Top Sci-Fi',
    ]);
    expect(await page.locator('.result-window').innerText()).toContain('"Continue Watching"'); // on screen, too
    expect(problems).toEqual([]);
  });

  it('when another example tab is opened and run, then it runs with its own variables', async () => {
    const { page } = await openPlayground();
    await page.locator('.graphiql-tab', { hasText: 'RecentlyWatched' }).click();
    // Run only once the editor has taken in the tab's operation (as a person would, it is a few milliseconds).
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageGlobals).document.querySelector('.graphiql-query-editor .CodeMirror')
          ?.CodeMirror?.operationName === 'RecentlyWatched',
    );
    const result = (await runAndWaitForResult(page)) as {
      data: { user: { recentlyWatched: { edges: Array<{ node: { title: string } }> } } };
      errors?: unknown;
    };
    expect(result.errors).toBeUndefined();
    expect(result.data.user.recentlyWatched.edges.map((e) => e.node.title)).toEqual([
      'The Silk Road Diaries',
      'The Last Algorithm',
    ]);
  });

  it('when the playground loads and runs a query, then no request leaves 127.0.0.1', async () => {
    const { page, outside, local, problems } = await openPlayground();
    await runAndWaitForResult(page);
    expect(local).toEqual(
      expect.arrayContaining([
        'GET /playground/',
        'GET /playground/app.js',
        'GET /playground/app.css',
        'GET /playground/config.json',
        'POST /graphql',
      ]),
    );
    expect(outside).toEqual([]);
    // The page's content security policy stops a foreign URL before it becomes a request: count those refusals too.
    expect(problems.filter((p) => p.includes('Content Security Policy'))).toEqual([]);
  });

  it('when the playground opens in development, then the Headers pane holds a token for Lena and queries carry it', async () => {
    const { page } = await openPlayground();
    const headers = JSON.parse(await headerEditorValue(page)) as { Authorization: string };
    expect(headers.Authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    const claims = JSON.parse(Buffer.from(headers.Authorization.split('.')[1], 'base64url').toString()) as {
      sub: string;
      scope?: string;
    };
    expect(claims.sub).toBe(DEMO_USER_LENA);
    expect(claims.scope).toBeUndefined(); // Lena's own token, not an administrator's
    const sent = page.waitForRequest((r) => r.url().endsWith('/graphql') && r.method() === 'POST');
    await runAndWaitForResult(page);
    expect((await sent).headers().authorization).toBe(headers.Authorization);
  });

  it('when a header is typed into the header editor, then the query is sent with that header', async () => {
    const { page } = await openPlayground();
    await page.locator('.graphiql-editor-tools button[data-name="headers"]').click();
    const { Authorization } = JSON.parse(await headerEditorValue(page)) as { Authorization: string };
    await page.locator('section.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').click();
    // Replace the pre-filled headers with the token plus one more header.
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText(JSON.stringify({ Authorization, 'x-request-id': 'from-the-playground' }));
    const sent = page.waitForRequest((r) => r.url().endsWith('/graphql') && r.method() === 'POST');
    await runAndWaitForResult(page);
    expect((await sent).headers()['x-request-id']).toBe('from-the-playground');
    expect((await sent).headers().authorization).toBe(Authorization);
  });
});
