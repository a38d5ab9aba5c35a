# The Groundrules bot. `docker compose up` runs it beside PostgreSQL 16.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md constraints.txt ./
COPY bot ./bot
COPY rules ./rules
COPY adapters ./adapters
RUN pip install -c constraints.txt . && useradd --system --uid 10001 groundrules \
    && install -d -m 700 -o groundrules /var/lib/groundrules/spool
# Events kept while the database does not answer, so that a restart meanwhile keeps them
# (bot.spool): a folder the bot may write in, a volume with Compose.
ENV GROUNDRULES_SPOOL_DIR=/var/lib/groundrules/spool

USER groundrules
EXPOSE 3000
# Migrates the database on start, then serves every platform that is configured.
CMD ["groundrules", "run"]
