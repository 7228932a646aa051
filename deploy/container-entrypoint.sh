#!/bin/sh
# Container start: create or verify the store's tables, then serve on every interface of
# the container on STREAMLIT_SERVER_PORT (8501; publish it on the host's loopback and put
# Caddy in front).
# With a command (e.g. `digest`, `backup`, `doctor`), run that `lib.cli` command instead.
set -eu
cd /app
if [ "$#" -gt 0 ]; then
    exec python -m lib.cli "$@"
fi
python -m lib.cli setup >/dev/null
exec python -m streamlit run app.py \
    --server.address 0.0.0.0 --server.headless true \
    --server.fileWatcherType none --browser.gatherUsageStats false \
    --secrets.files "${KIVIDO_SECRETS:-/app/secrets/secrets.toml}"
