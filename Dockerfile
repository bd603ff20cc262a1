# Baton: one image for every role (serve, smtp, web, worker, migrate), installed from its wheel.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md alembic.ini ./
COPY server.py service.py settings.py metrics.py clock.py model.py logs.py mailboxes.py ./
COPY inbound inbound
COPY composer composer
COPY intros intros
COPY outbound outbound
COPY store store
COPY web web
COPY worker worker
COPY templates templates
COPY demo demo
RUN pip wheel --no-cache-dir --no-deps -w /dist .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 BATON_VAR_DIR=/var/lib/baton
COPY --from=build /dist /dist
RUN pip install /dist/*.whl && rm -rf /dist \
    && useradd --create-home --uid 10001 baton && mkdir -p /var/lib/baton && chown baton /var/lib/baton
USER baton
WORKDIR /var/lib/baton

# SMTP, web, and /metrics for roles without the web (BATON_METRICS_PORT). In production the
# public MX is Postfix, relaying to Baton (docs/deploy.md).
EXPOSE 2525 8000 9100
# For `serve` and `web`; docker-compose.prod.yml gives `smtp` and `worker` checks of their own.
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import os, sys, urllib.request; port = os.environ.get('BATON_WEB_PORT', '8000'); sys.exit(urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4).status != 200)"
CMD ["sh", "-c", "baton migrate && exec baton serve"]
