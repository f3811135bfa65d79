// The AsyncAPI renderer draws the contract the page carries in #asyncapi-document.
(() => {
  const root = document.getElementById("asyncapi");
  if (!window.AsyncApiStandalone) return window.cinemeshDocs.missing(root, "The AsyncAPI renderer");
  const schema = JSON.parse(document.getElementById("asyncapi-document").textContent);
  window.AsyncApiStandalone.render({ schema, config: { show: { sidebar: true } } }, root);
})();
