# The KMF Grants image: the web process (gunicorn), the Celery worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_NO_CACHE=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN python -m venv /opt/venv && pip install --no-cache-dir uv==0.13.9
COPY requirements/base.txt /tmp/requirements.txt
RUN uv pip sync --require-hashes /tmp/requirements.txt

WORKDIR /app
COPY . .
RUN DEBUG=0 SECRET_KEY=collectstatic-only ALLOWED_HOSTS=build SITE_URL=http://build EMAIL_URL=dummymail:// \
    python manage.py collectstatic --no-input \
    && useradd --system --uid 1000 kmf && mkdir -p /app/var/media && chown -R kmf /app/var
USER kmf

EXPOSE 8000
CMD ["gunicorn", "kmf.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
