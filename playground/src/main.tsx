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

const defaultTabs = EXAMPLES.map((e) => ({
  query: e.query,
  variables: e.variables ? JSON.stringify(e.variables, null, 2) : undefined,
}));

// GraphiQL 4 fills the editors of the first tab from its `query`/`variables` props (or what it stored), not from
// `defaultTabs`: on a first visit, with nothing stored yet, it is handed the first example's variables as well.
function firstVisit(): boolean {
  try {
    return window.localStorage.getItem('graphiql:tabState') === null;
  } catch {
    return true;
  }
}

createRoot(document.getElementById('graphiql')!).render(
  <GraphiQL
    fetcher={fetcher}
    defaultTabs={defaultTabs}
    variables={firstVisit() ? defaultTabs[0].variables : undefined}
    defaultEditorToolsVisibility="variables"
    isHeadersEditorEnabled
    shouldPersistHeaders={false}
  />,
);
