# docdiff service image: the package plus Debian's Chromium, run as a non-root user.
FROM python:3.11-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/docdiff
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . && rm -rf /root/.cache

RUN useradd --create-home --uid 10001 docdiff
USER docdiff
WORKDIR /home/docdiff

# Chromium's own sandbox needs user namespaces, which default container
# runtimes deny; the container is the isolation boundary instead.
ENV DOCDIFF_HOST=0.0.0.0 \
    DOCDIFF_PORT=8000 \
    DOCDIFF_DATA_DIR=/home/docdiff/data \
    DOCDIFF_BROWSER_PATH=/usr/bin/chromium \
    DOCDIFF_BROWSER_NO_SANDBOX=true

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

CMD ["docdiff", "serve"]
