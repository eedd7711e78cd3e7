# Ronda for production: PostgreSQL, several uvicorn workers, migrations once at start.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RONDA_HOST=0.0.0.0 \
    RONDA_PORT=8000 \
    RONDA_WORKERS=4 \
    RONDA_MEDIA_DIR=/var/lib/ronda/media

RUN groupadd --system --gid 10001 ronda \
    && useradd --system --uid 10001 --gid ronda --home-dir /srv/ronda ronda

WORKDIR /srv/ronda
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
RUN pip install --no-cache-dir . \
    && mkdir -p /var/lib/ronda/media \
    && chown -R ronda:ronda /var/lib/ronda

USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ['RONDA_PORT']}/healthz\", timeout=4)"]

# Replicas starting together upgrade once: `ronda db upgrade` holds an advisory lock.
CMD ["sh", "-c", "ronda db upgrade && exec ronda serve"]
