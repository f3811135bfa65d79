// GraphiQL with the schema from the contract (data-introspection), so the docs explorer works with no
// service running; queries go to data-endpoint on this origin (/graphql through the gateway).
(() => {
  const root = document.getElementById("graphiql");
  if (!window.GraphiQL || !window.React || !window.ReactDOM) return window.cinemeshDocs.missing(root, "GraphiQL");
  fetch(root.dataset.introspection)
    .then((response) => response.json())
    .then((schema) => {
      const fetcher = window.GraphiQL.createFetcher({ url: new URL(root.dataset.endpoint, location.href).href });
      const props = { fetcher, schema, defaultEditorToolbarOpen: true };
      window.ReactDOM.createRoot(root).render(window.React.createElement(window.GraphiQL, props));
    });
})();
