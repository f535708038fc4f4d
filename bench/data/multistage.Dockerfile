# syntax=docker/dockerfile:1.7
# A web app of the common shape: a Node front end, a Python API in a virtualenv, a slim
# runtime. Typical of what people write, warts included, so the linter has work to do.

ARG PYTHON_VERSION=3.12
ARG NODE_VERSION=20

############################
# Front end
############################
FROM node:${NODE_VERSION}-bookworm-slim AS frontend
WORKDIR /src/web
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1
COPY web/package.json web/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build \
 && npm prune --omit=dev \
 && rm -rf .next/cache

############################
# Python dependencies
############################
FROM python:${PYTHON_VERSION}-slim AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    VIRTUAL_ENV=/opt/venv
RUN apt-get update && apt-get install -y \
        build-essential \
        libpq-dev \
        git \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv $VIRTUAL_ENV
ENV PATH="$VIRTUAL_ENV/bin:$PATH"
WORKDIR /src
COPY requirements.txt requirements-prod.txt ./
RUN pip install -r requirements.txt -r requirements-prod.txt
COPY pyproject.toml README.md ./
COPY app/ ./app/
RUN pip install --no-deps . \
    && python -m compileall -q $VIRTUAL_ENV

############################
# Tests (CI only: docker build --target test)
############################
FROM builder AS test
COPY requirements-dev.txt ./
RUN pip install --no-cache-dir -r requirements-dev.txt
COPY tests/ ./tests/
RUN cd tests && python -m pytest -q

############################
# Runtime
############################
FROM python:${PYTHON_VERSION}-slim AS runtime
LABEL org.opencontainers.image.source="https://example.com/acme/app" \
      org.opencontainers.image.description="Acme web app"
ARG APP_USER=app
ARG APP_UID=10001
ENV VIRTUAL_ENV=/opt/venv \
    PATH="/opt/venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    PORT=8080

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libpq5 \
        curl \
        tini \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid ${APP_UID} ${APP_USER} \
 && useradd --system --uid ${APP_UID} --gid ${APP_USER} \
        --home-dir /home/${APP_USER} --create-home ${APP_USER}

WORKDIR /srv/app
COPY --from=builder $VIRTUAL_ENV $VIRTUAL_ENV
COPY --from=frontend --chown=app:app /src/web/.next/standalone ./web/
COPY --from=frontend --chown=app:app /src/web/public ./web/public
COPY --chown=app:app docker/entrypoint.sh /usr/local/bin/entrypoint.sh
COPY --chown=app:app alembic.ini ./
COPY --chown=app:app migrations/ ./migrations/

RUN mkdir -p /srv/app/data && chown -R app:app /srv/app/data
VOLUME /srv/app/data

USER app
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD curl -fsS http://localhost:$PORT/health || exit 1

ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/entrypoint.sh"]
CMD gunicorn app.main:app \
    --worker-class uvicorn.workers.UvicornWorker \
    --workers 2 \
    --bind 0.0.0.0:$PORT \
    --access-logfile -
