#!/usr/bin/env bash
# The test command (README quick start, and .ci/run): restore, build and test the whole solution.
# Prints a final plain line "N passed, N failed". Snapshots are strict: a missing snapshot fails.
#   usage: build/test.sh [--fast] [dotnet test options...]
#   --fast: the inner loop, with nothing but the .NET SDK — leaves out [Category("Slow")] (pack, trimmed publish, benchmark
#   smoke, real worker processes, the dashboard in Chromium) and [Category("Postgres")] (a real PostgreSQL server); CI runs everything.
set -uo pipefail
cd "$(dirname "$0")/.."

args=()
for arg in "$@"; do
  if [ "$arg" = "--fast" ]; then args+=(--filter "TestCategory!=Slow&TestCategory!=Postgres"); else args+=("$arg"); fi
done

export SNAPSHOOTER_STRICT_MODE=true
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet restore CambApi.sln || { echo "0 passed, 1 failed"; exit 1; }
# ApiCompat (.config/dotnet-tools.json): the spec-update tests compare generated assemblies with it.
dotnet tool restore || { echo "0 passed, 1 failed"; exit 1; }
dotnet build CambApi.sln --no-restore || { echo "0 passed, 1 failed"; exit 1; }
dotnet test CambApi.sln --no-build ${args[@]+"${args[@]}"} 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One summary line per test assembly: "Passed!  - Failed: 0, Passed: 58, Skipped: 0, Total: 58, ..."
sum() { grep -Eo "$1: +[0-9]+" "$log" | awk '{ s += $2 } END { print s + 0 }'; }
passed=$(sum Passed)
failed=$(sum Failed)
passed=${passed:-0}
failed=${failed:-0}
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "no tests ran"
  failed=1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the runner failed outside any test (a crash, a missing snapshot folder, ...)
fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
