#!/usr/bin/env bash
# Everything `npm test` and `npm run demo` need on a fresh Debian 12 + Node 20 machine:
# npm packages, Debian packages where missing, databases started where installed but stopped.
# Safe to run again: each step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[setup] %s\n' "$*"; }

# npm packages: (re)install when node_modules is missing or older than the lock file.
# better-sqlite3 downloads its compiled binary from github.com; where that is unreachable (as on
# the machines this targets) npm compiles it, over a minute of a clean install. The binary is kept
# per version, Node ABI and platform in a cache of this machine's and handed to later installs
# through prebuild-install's local prebuilds (which loads it first, and compiles if it does not load).
PREBUILDS="${XDG_CACHE_HOME:-$HOME/.cache}/lookout/prebuilds"
export npm_config_better_sqlite3_local_prebuilds="$PREBUILDS"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund
  binary=node_modules/better-sqlite3/build/Release/better_sqlite3.node
  prebuild="$PREBUILDS/better-sqlite3-v$(node -p "require('./node_modules/better-sqlite3/package.json').version")-node-v$(node -p process.versions.modules)-$(node -p process.platform)-$(node -p process.arch).tar.gz"
  if [ -f "$binary" ] && [ ! -f "$prebuild" ]; then
    mkdir -p "$PREBUILDS"
    tar -czf "$prebuild.$$" -C node_modules/better-sqlite3 build/Release/better_sqlite3.node && mv "$prebuild.$$" "$prebuild"
  fi
fi

# Debian packages, only where missing (root on the machines this targets): the browser for
# screenshots (puppeteer's own download is skipped, see .puppeteerrc.cjs) and CJK fonts, so
# Korean, Japanese and Chinese text renders as glyphs in screenshots and charts.
APT_PACKAGES=(chromium fonts-noto-cjk fonts-wqy-microhei)
need=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  say "installing Debian packages: ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Databases used by the tests: start them if installed but not running.
if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  say "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
fi
if [ -x /usr/sbin/mariadbd ] && ! mysqladmin -h 127.0.0.1 -uroot status >/dev/null 2>&1; then
  say "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  for _ in $(seq 1 30); do mysqladmin -h 127.0.0.1 -uroot status >/dev/null 2>&1 && break; sleep 1; done
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
# The test database each suite works in.
if command -v psql >/dev/null 2>&1; then
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE test' >/dev/null
fi
if command -v mysql >/dev/null 2>&1; then
  mysql -h 127.0.0.1 -uroot -e 'CREATE DATABASE IF NOT EXISTS test' >/dev/null 2>&1 || true
fi
# The read-only users the tests' data sources log in as, made the way the README tells admins
# to (Lookout refuses a source whose user can write). PostgreSQL: trust auth here, so no
# password; pg_read_all_data reads every table, present and future. MariaDB: the account's
# host is the address TCP clients come from: with skip-name-resolve (this machine's my.cnf)
# 127.0.0.1 only matches accounts by address, never 'localhost'; without it, it matches this
# account by address too. SELECT on the test database only.
if command -v psql >/dev/null 2>&1; then
  PGOPTIONS='-c client_min_messages=warning' psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -q >/dev/null <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lookout_reader') THEN CREATE ROLE lookout_reader LOGIN; END IF;
END $$;
GRANT pg_read_all_data TO lookout_reader;
SQL
fi
if command -v mysql >/dev/null 2>&1; then
  mysql -h 127.0.0.1 -uroot -e "CREATE USER IF NOT EXISTS 'lookout_reader'@'127.0.0.1'; GRANT SELECT ON test.* TO 'lookout_reader'@'127.0.0.1'" >/dev/null 2>&1 || true
fi
say "ready"
