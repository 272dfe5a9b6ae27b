# CPD Hub: one image for web (gunicorn), worker and beat (Celery). See docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    PATH="/opt/venv/bin:$PATH"

RUN pip install --no-cache-dir "uv==0.13.8" \
 && useradd --create-home --uid 1000 cpdhub

WORKDIR /app

# Dependencies first, from the lock file, so code changes do not reinstall them.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
RUN DEBUG=false SECRET_KEY=build-only-not-secret ALLOWED_HOSTS=build.invalid \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/var /app/media \
 && chown -R cpdhub:cpdhub /app/var /app/media

USER cpdhub
EXPOSE 8000
# Processes, threads, timeouts and restarts: gunicorn.conf.py (docs/deployment.md, "The web tier").
CMD ["gunicorn", "-c", "gunicorn.conf.py", "cpdhub.wsgi:application"]
