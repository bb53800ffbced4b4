#!/usr/bin/env bash
# Runs every test of Takedown. Installs (apt) and starts what the tests need, and stops it afterwards.
# Ends with the line "N passed, N failed, N skipped".
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

# Debian packages the tests use; installed only when missing.
packages=(postgresql-15 unbound bind9-utils bind9-dnsutils chromium ffmpeg libturbojpeg0 nginx)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}" >&2
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The API description (docs/openapi.json, kept equal to the served /openapi/v1.json by ApiDescriptionTests) must lint
# with no error under Redocly's recommended rules. Node.js comes with the machine image; a bare Debian gets its own.
if ! command -v npx >/dev/null 2>&1; then
  echo "test.sh: installing nodejs npm" >&2
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq nodejs npm >/dev/null
fi
# Pinned: 2.77.0 needs Node.js 20 or later; Debian 12's own Node.js 18 takes 1.34.20 (same verdict on this document).
redocly=@redocly/cli@2.77.0
[ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 20 ] && redocly=@redocly/cli@1.34.20
npx --yes "$redocly" lint docs/openapi.json --format=summary
lint_rc=$?
[ $lint_rc -ne 0 ] && echo "test.sh: docs/openapi.json fails the Redocly lint ($redocly)" >&2

# A throwaway PostgreSQL 15 for the storage tests (loopback only, trust auth, removed afterwards).
PGBIN=/usr/lib/postgresql/15/bin
PGPORT=${TAKEDOWN_TEST_PGPORT:-$((20000 + RANDOM % 20000))}
PGDATA=$(mktemp -d /tmp/takedown-pg.XXXXXX)
chown postgres:postgres "$PGDATA"; chmod 700 "$PGDATA"
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1
  rm -rf "$PGDATA"
}
trap cleanup EXIT
as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null \
  && as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 30 \
       -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off -c max_connections=300" start >/dev/null \
  || { echo "test.sh: could not start PostgreSQL (see $PGDATA/server.log)" >&2; }
export TAKEDOWN_TEST_POSTGRES="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres;Pooling=true"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
rm -rf TestResults
dotnet test Takedown.slnx --logger trx --results-directory TestResults "$@"
rc=$?
# The whole API suite again, on PostgreSQL.
TAKEDOWN_TEST_PROVIDER=postgres dotnet test tests/Takedown.Web.Tests --no-build --filter "FullyQualifiedName!~MultiNode" --logger trx --results-directory TestResults "$@"
rc2=$?
[ $rc -eq 0 ] && rc=$rc2
[ $rc -eq 0 ] && rc=$lint_rc
p=0 f=0 t=0 e=0
for x in TestResults/*.trx; do
  [ -e "$x" ] || continue
  c=$(grep -o '<Counters [^>]*>' "$x")
  get() { printf '%s\n' "$c" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  p=$((p+$(get passed))); f=$((f+$(get failed)+$(get error)+$(get timeout)+$(get aborted)))
  t=$((t+$(get total))); e=$((e+$(get executed)))
done
# The lint counts as one check.
if [ $lint_rc -eq 0 ]; then p=$((p+1)); t=$((t+1)); e=$((e+1)); else f=$((f+1)); t=$((t+1)); e=$((e+1)); fi
[ $rc -ne 0 ] && [ $f -eq 0 ] && f=1
echo "$p passed, $f failed, $((t-e)) skipped"
exit $rc
