# One image for the web server and the Celery worker.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
RUN DATA_DIR=/tmp/build-data SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input -v 0 \
    && rm -rf /tmp/build-data \
    && useradd --create-home --uid 1000 app \
    && mkdir -p /data/media /data/models /data/indexes && chown -R app:app /data

USER app
ENV DATA_DIR=/data
EXPOSE 8000
CMD ["gunicorn", "searchapp.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
