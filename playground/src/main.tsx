import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import './page.css';
import { EXAMPLES } from './examples';

// The page is served at <base>/playground/, the endpoint is <base>/graphql: resolved relative to the page, so the
// playground keeps working behind a proxy that mounts the service under a prefix.
const endpoint = new URL('../graphql', window.location.href).toString();
const fetcher = createGraphiQLFetcher({ url: endpoint });

/**
 * What the service tells the page before it renders (config.json next to the page): in development, the Headers pane
 * starts with `{"Authorization": "Bearer <a token for the demo user Lena>"}`, so the examples run as her.
 */
async function pageConfig(): Promise<{ headers?: Record<string, string> }> {
  try {
    const res = await fetch(new URL('config.json', window.location.href), { cache: 'no-store' });
    return res.ok ? ((await res.json()) as { headers?: Record<string, string> }) : {};
  } catch {
    return {};
  }
}

// GraphiQL 4 fills the editors of the first tab from its `query`/`variables` props (or what it stored), not from
// `defaultTabs`: on a first visit, with nothing stored yet, it is handed the first example's variables as well.
function firstVisit(): boolean {
  try {
    return window.localStorage.getItem('graphiql:tabState') === null;
  } catch {
    return true;
  }
}

void pageConfig().then(({ headers }) => {
  const defaultHeaders =
    headers && Object.keys(headers).length ? JSON.stringify(headers, null, 2) : undefined;
  const defaultTabs = EXAMPLES.map((e) => ({
    query: e.query,
    variables: e.variables ? JSON.stringify(e.variables, null, 2) : undefined,
    headers: defaultHeaders,
  }));
  createRoot(document.getElementById('graphiql')!).render(
    <GraphiQL
      fetcher={fetcher}
      defaultTabs={defaultTabs}
      variables={firstVisit() ? defaultTabs[0].variables : undefined}
      defaultHeaders={defaultHeaders}
      defaultEditorToolsVisibility="variables"
      isHeadersEditorEnabled
      shouldPersistHeaders={false}
    />,
  );
});
