# One CineMesh application image, run in five roles by docker-compose.yml:
#   python -m handlers.user | handlers.cinema | handlers.booking | handlers.payment | handlers.notification
#   python -m mesh seed   (one-shot: migrate the cinema schema, load demo data and accounts)
# JWT keys are not baked in: mount a keys directory at /keys (compose mounts ./.dev/jwt read-only).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    CINEMESH_JWT_KEYS_DIR=/keys

WORKDIR /app

# Dependencies first (cached while only the code changes): install the project's pinned
# dependency list from pyproject.toml with empty package stubs, then drop the stubs.
COPY pyproject.toml ./
RUN mkdir -p handlers generated mesh \
    && touch handlers/__init__.py generated/__init__.py mesh/__init__.py \
    && pip install . \
    && pip uninstall -y cinemesh \
    && rm -rf handlers generated mesh build ./*.egg-info

COPY contracts ./contracts
COPY generated ./generated
COPY handlers ./handlers
COPY mesh ./mesh
COPY kong ./kong

RUN useradd --system --uid 10001 --home-dir /app cinemesh \
    && mkdir -p /app/.run \
    && chown -R cinemesh /app/.run
USER cinemesh

EXPOSE 8101 8102 8103 8104 8105 50051
CMD ["python", "-m", "handlers.user"]
