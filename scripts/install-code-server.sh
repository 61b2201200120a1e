#!/usr/bin/env bash
# Installs a real VS Code for the integration tests: code-server 4.100.3 (VS Code 1.100.3, the last
# line that runs on Node 20) and playwright-core, into DIR (default .vscode-test/code-server, or
# $FOUREYES_CODE_SERVER_DIR). Works where the only registries are npm and Debian: every install
# step that would download from elsewhere is skipped and its result provided from Debian instead.
# Cached: a finished install leaves DIR/ok and is reused. Prints DIR.
set -euo pipefail
dir="${1:-${FOUREYES_CODE_SERVER_DIR:-.vscode-test/code-server}}"
mkdir -p "$dir"
root=$(cd "$dir" && pwd)
if [ -f "$root/ok" ]; then echo "$root"; exit 0; fi

# Debian packages: kerberos headers for the `kerberos` module, ripgrep (VS Code's search), the
# browser that drives the workbench, and a compiler toolchain for native modules.
need=()
for p in libkrb5-dev ripgrep chromium pkg-config python3 make g++ git; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-code-server: missing Debian packages: ${need[*]} (run as root or install them)" >&2
    exit 2
  fi
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

cd "$root"
[ -f package.json ] || echo '{"name":"foureyes-code-server","private":true}' > package.json
# --ignore-scripts: code-server's own postinstall downloads ripgrep from GitHub.
npm install --no-audit --no-fund --ignore-scripts --save-exact code-server@4.100.3 playwright-core@1.65.1 >/dev/null

cd node_modules/code-server/lib/vscode
npm install --no-audit --no-fund --omit=dev --ignore-scripts >/dev/null
npm rebuild kerberos native-watchdog @parcel/watcher @vscode/spdlog @vscode/deviceid >/dev/null 2>&1 || true
# node-pty's install script calls `npx node-gyp`, which fails here; build it directly.
(cd node_modules/node-pty && npm_config_nodedir="$(npm config get nodedir 2>/dev/null || true)" npx --yes node-gyp rebuild >/dev/null 2>&1) || \
  echo "install-code-server: node-pty did not build; terminals will not work (tests do not need them)" >&2
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar
(cd extensions && npm install --no-audit --no-fund --omit=dev --ignore-scripts >/dev/null)
cd "$root"
npm rebuild argon2 >/dev/null 2>&1 || true
touch ok
echo "$root"
