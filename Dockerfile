# Baton: one image for every role (serve, smtp, web, worker).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY server.py service.py settings.py logs.py model.py metrics.py clock.py alembic.ini ./
COPY inbound inbound
COPY composer composer
COPY intros intros
COPY outbound outbound
COPY store store
COPY web web
COPY worker worker
COPY templates templates
COPY demo demo
RUN pip install . && useradd --create-home --uid 10001 baton && mkdir -p /app/var && chown baton /app/var
USER baton

# SMTP and web; in production the public MX is Postfix, relaying to Baton (docs/deploy.md).
EXPOSE 2525 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"
CMD ["sh", "-c", "python server.py migrate && exec python server.py serve"]
