// Shared by the renderer pages: what to show when a renderer's script is not installed.
window.cinemeshDocs = {
  missing(root, renderer) {
    root.replaceChildren();
    const note = document.createElement("p");
    note.className = "missing";
    note.textContent =
      `${renderer} is not installed where this portal runs (npm ci installs it into node_modules). ` +
      "The raw contracts and the schema reference pages on the index work without it.";
    const back = document.createElement("a");
    back.href = "/docs";
    back.textContent = "Back to the contracts";
    root.append(note, back);
  },
};
