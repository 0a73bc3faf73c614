# One image for every OpenChance process: app nodes, workers and bots differ only in the command.
FROM node:20-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci
COPY web/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY domain/ domain/
COPY realtime/ realtime/
COPY bots/ bots/
COPY workers/ workers/
COPY openchance/ openchance/
RUN pip install --no-cache-dir .
COPY --from=web /src/web/dist web/dist
RUN useradd --system --uid 10001 openchance
USER openchance
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz')"
CMD ["openchance", "serve", "--host", "0.0.0.0", "--port", "8080"]
