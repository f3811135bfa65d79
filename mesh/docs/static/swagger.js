// Swagger UI for the bundled OpenAPI document named by data-spec. No validator badge: it would call
// swagger.io.
(() => {
  const root = document.getElementById("swagger-ui");
  if (!window.SwaggerUIBundle) return window.cinemeshDocs.missing(root, "Swagger UI");
  window.SwaggerUIBundle({
    url: root.dataset.spec,
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
