"""The container's HEALTHCHECK: Streamlit's own health endpoint answers "ok" (exit 0) or not (1)."""

import os
import sys
import urllib.request

port = os.environ.get("STREAMLIT_SERVER_PORT", "8501")
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=4) as answer:
        sys.exit(0 if answer.read().strip() == b"ok" else 1)
except OSError:
    sys.exit(1)
