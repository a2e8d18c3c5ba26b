#!/usr/bin/env bash
# Sets up langnghe and serves it on the embedded default (SQLite + embedded Qdrant) with
# demo data (feedback, and a ward's e-documents indexed for search):
# http://127.0.0.1:8000 (API docs at /docs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/langnghe serve --demo "$@"
