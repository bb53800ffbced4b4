#!/usr/bin/env bash
# Runs every test of Takedown. Installs (apt) and starts what the tests need, and stops it afterwards.
# Ends with the line "N passed, N failed, N skipped".
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

# Debian packages the tests use; installed only when missing.
packages=(chromium)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}" >&2
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

cleanup() { :; }
trap cleanup EXIT

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
rm -rf TestResults
dotnet test Takedown.slnx --logger trx --results-directory TestResults "$@"
rc=$?
p=0 f=0 t=0 e=0
for x in TestResults/*.trx; do
  [ -e "$x" ] || continue
  c=$(grep -o '<Counters [^>]*>' "$x")
  get() { printf '%s\n' "$c" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  p=$((p+$(get passed))); f=$((f+$(get failed)+$(get error)+$(get timeout)+$(get aborted)))
  t=$((t+$(get total))); e=$((e+$(get executed)))
done
[ $rc -ne 0 ] && [ $f -eq 0 ] && f=1
echo "$p passed, $f failed, $((t-e)) skipped"
exit $rc
