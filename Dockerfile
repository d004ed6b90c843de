FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# WeasyPrint needs Pango (and HarfBuzz subsetting to embed font subsets quickly); Thai fonts are the PDF fallback
# behind the bundled Sarabun; gettext compiles messages; postgresql-client gives `manage.py backup` and `restore` their
# pg_dump and pg_restore (Debian 12's are version 15, as the compose file's PostgreSQL).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-thai-tlwg gettext \
    postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements/production.txt requirements/
RUN pip install --no-cache-dir --require-hashes -r requirements/production.txt
COPY . .
RUN pip install --no-cache-dir --no-deps . \
 && DJANGO_SETTINGS_MODULE=portal.settings.local python manage.py compilemessages -v0 \
 && DJANGO_SETTINGS_MODULE=portal.settings.production SECURE_SSL_REDIRECT=false \
    SECRET_KEY=build-only-not-secret-build-only-not-secret-build-only-x DATABASE_URL=sqlite:////tmp/build.db \
    REDIS_URL=redis://localhost:6379/0 ALLOWED_HOSTS=localhost EMAIL_URL=consolemail:// DEFAULT_FROM_EMAIL=build@localhost \
    python manage.py collectstatic --no-input -v0 \
 && useradd --create-home portal && mkdir -p /data/media && chown portal /data/media
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
