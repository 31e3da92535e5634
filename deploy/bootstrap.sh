#!/usr/bin/env bash
# Installs what the Python side needs: uv (pinned) and the locked dependencies in .venv.
source "$(dirname "$0")/lib.sh"

UV_VERSION=0.13.8
command -v python3.11 >/dev/null || command -v python3 >/dev/null \
  || fail "missing prerequisite: Python 3.11 (Debian: apt-get install python3.11 python3.11-venv)"

if ! command -v uv >/dev/null || [ "$(uv --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  say "installing uv $UV_VERSION from PyPI"
  if is_root; then python3 -m pip install -q "uv==$UV_VERSION"; else python3 -m pip install -q --user "uv==$UV_VERSION"; fi
  command -v pyenv >/dev/null && pyenv rehash || true
fi
say "installing the locked Python dependencies (uv sync --frozen)"
cd "$ROOT" && uv sync --frozen --quiet
