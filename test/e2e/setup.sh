#!/usr/bin/env bash
# Installs what the end-to-end suite needs, offline-safe (npm + Debian only), cached in .e2e/:
# Debian Chromium and the native build deps of code-server, Node 22 (from npm), code-server 4.110.0.
# Idempotent: a second run only checks and returns. See ../shared/reference/vscode-e2e.md for why each step exists.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
e2e="$root/.e2e"
mkdir -p "$e2e"
export DEBIAN_FRONTEND=noninteractive

CODE_SERVER_VERSION=4.110.0
started=$(date +%s)

# 1. Debian packages (only when something is missing).
need_apt=()
for pkg in chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need_apt+=("$pkg")
done
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "== e2e setup: apt-get install ${need_apt[*]}"
  # Other jobs on the machine may hold the dpkg lock: wait for it rather than fail.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# 2. Node 22 from npm (code-server 4.110 needs it; the project itself stays on Node 20).
node22="$e2e/node22/node_modules/.bin/node"
if ! [ -x "$node22" ] || ! "$node22" --version | grep -q '^v22\.'; then
  echo "== e2e setup: node@22 into .e2e/node22"
  npm install --no-audit --no-fund --prefix "$e2e/node22" node@22 >/dev/null
fi
echo "== e2e setup: node22 $("$node22" --version)"

# 3. code-server.
cs_bin="$e2e/code-server/node_modules/.bin/code-server"
cs_pkg="$e2e/code-server/node_modules/code-server/package.json"
if ! [ -x "$cs_bin" ] || ! grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$cs_pkg" 2>/dev/null ||
  ! [ -f "$e2e/code-server/.installed-$CODE_SERVER_VERSION" ]; then
  # @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache has the tarball: seed it with Debian's rg.
  rg_cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.17.0"
  rg_tar="$rg_cache/ripgrep-v15.0.0-x86_64-unknown-linux-musl.tar.gz"
  if ! [ -f "$rg_tar" ]; then
    mkdir -p "$rg_cache" "$e2e/rg"
    cp /usr/bin/rg "$e2e/rg/rg"
    tar czf "$rg_tar" -C "$e2e/rg" rg
  fi
  echo "== e2e setup: code-server@$CODE_SERVER_VERSION into .e2e/code-server (about 5 minutes)"
  rm -f "$e2e/code-server/.installed-"*
  # Under `npm run test:e2e` the outer npm (Node 20) exports npm_config_user_agent; the inner npm would inherit it and
  # code-server's postinstall, which reads the Node version from it, would refuse. Let the inner npm set its own.
  env -u npm_config_user_agent PATH="$(dirname "$node22"):$PATH" npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --no-audit --no-fund --prefix "$e2e/code-server" "code-server@$CODE_SERVER_VERSION" \
    >"$e2e/code-server-install.log" 2>&1 || {
    tail -40 "$e2e/code-server-install.log" >&2
    exit 1
  }
  touch "$e2e/code-server/.installed-$CODE_SERVER_VERSION"
fi
echo "== e2e setup: code-server $(PATH="$(dirname "$node22"):$PATH" "$cs_bin" --version 2>/dev/null | grep -Eo "^[0-9]+\.[0-9]+\.[0-9]+" | head -1)"
echo "== e2e setup: done in $(($(date +%s) - started))s"
