"""Hand-written code of the CineMesh services, one package per service, shared pieces in ``common``."""

import warnings

# connexion 3 imports starlette's TestClient at import time, which warns on every service start
# that it would rather use httpx2; nothing here uses that TestClient.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
