#!/usr/bin/env bash
# Runs every test project, one after the other (the browser tests share two cores), and closes with
# one line that sums them all: "N passed, N failed, N skipped".
set -uo pipefail
# No process of this project reports usage to a vendor: everything stays on loopback.
export MASSTRANSIT_USAGE_TELEMETRY=false
cd "$(dirname "$0")/.."
configuration="${CONFIGURATION:-Release}"
log=$(mktemp)
dotnet test Pipeline.sln -c "$configuration" --no-build -m:1 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
summary=$(grep -E '^\s*(Passed|Failed)!\s+-' "$log" | sed -E 's/.*Failed:\s*([0-9]+), Passed:\s*([0-9]+), Skipped:\s*([0-9]+).*/\1 \2 \3/' \
  | awk '{f+=$1; p+=$2; s+=$3} END {printf "%d passed, %d failed, %d skipped\n", p, f, s}')
projects=$(grep -cE '^\s*(Passed|Failed)!\s+-' "$log")
rm -f "$log"
echo
echo "Test projects run: $projects"
echo "$summary"
if [ "$projects" -eq 0 ]; then
  echo "No test project ran." >&2
  exit 1
fi
exit "$status"
