# One image for every OpenChance process: app nodes, the worker and the bots differ only in
# their command (see docker-compose.yml). Three stages: the web client is built with Node, the
# wheel (with the client inside it) is built with Python, and the runtime stage installs the
# locked dependencies and that wheel, nothing else: no compiler, no Node, no sources.

# --- the web client (Vite needs Node 20.19+; 24 is the current LTS) ----------------------------
FROM node:24-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

# --- the wheel ---------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS wheel
WORKDIR /src
COPY pyproject.toml setup.py MANIFEST.in README.md ./
COPY domain/ domain/
COPY realtime/ realtime/
COPY bots/ bots/
COPY workers/ workers/
COPY openchance/ openchance/
COPY --from=web /src/web/dist web/dist
# setup.py packs web/dist into the wheel (realtime/web_dist), where an installed app finds it.
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# --- the runtime -------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.lock ./
# Exactly the locked versions, each checked against its hash: two builds install the same bytes.
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY --from=wheel /wheels/ /tmp/wheels/
RUN pip install --no-cache-dir --no-deps /tmp/wheels/*.whl && rm -rf /tmp/wheels
RUN useradd --system --uid 10001 --home-dir /app openchance \
    && mkdir -p /data && chown openchance /data
USER openchance
EXPOSE 8080
# Only read by the embedded mode (no MONGODB_URL): a single container keeping its data in a volume.
ENV OPENCHANCE_DATA_DIR=/data
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2)"]
CMD ["openchance", "serve", "--host", "0.0.0.0", "--port", "8080"]
