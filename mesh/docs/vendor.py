"""The third-party renderers the portal's pages load, each from a package the project installs.

Swagger UI comes from PyPI (``swagger_ui_bundle``, installed with ``connexion[swagger-ui]``);
GraphiQL, React and the AsyncAPI renderer from npm (``package.json``, ``node_modules/``). Pages
name an asset with ``url(package, file)``; the server answers ``/docs/vendor/<package>/<file>``
for these files only. Without ``node_modules`` (the app image) those pages say what is missing.
"""

from pathlib import Path

import swagger_ui_bundle

PREFIX = "/docs/vendor"
SWAGGER_UI = Path(swagger_ui_bundle.swagger_ui_path)

# (package, file) -> (where it is installed: "pypi" or "npm", path inside that root)
ASSETS: dict[tuple[str, str], tuple[str, str]] = {
    ("swagger-ui", "swagger-ui-bundle.js"): ("pypi", "swagger-ui-bundle.js"),
    ("swagger-ui", "swagger-ui.css"): ("pypi", "swagger-ui.css"),
    ("react", "react.production.min.js"): ("npm", "react/umd/react.production.min.js"),
    ("react-dom", "react-dom.production.min.js"): ("npm", "react-dom/umd/react-dom.production.min.js"),
    ("graphiql", "graphiql.min.js"): ("npm", "graphiql/graphiql.min.js"),
    ("graphiql", "graphiql.min.css"): ("npm", "graphiql/graphiql.min.css"),
    ("asyncapi", "index.js"): ("npm", "@asyncapi/react-component/browser/standalone/index.js"),
    ("asyncapi", "default.min.css"): ("npm", "@asyncapi/react-component/styles/default.min.css"),
}


def url(package: str, name: str) -> str:
    if (package, name) not in ASSETS:
        raise KeyError(f"no vendor asset {package}/{name} in mesh.docs.vendor.ASSETS")
    return f"{PREFIX}/{package}/{name}"


def path(package: str, name: str, node_modules: Path) -> Path | None:
    """The installed file, or None when it is not a known asset or its package is not installed."""
    entry = ASSETS.get((package, name))
    if entry is None:
        return None
    root, relative = entry
    file = (SWAGGER_UI if root == "pypi" else node_modules) / relative
    return file if file.is_file() else None


def installed(node_modules: Path) -> dict[str, bool]:
    packages = sorted({package for package, _ in ASSETS})
    return {package: all(path(p, n, node_modules) for p, n in ASSETS if p == package) for package in packages}
