#!/usr/bin/env bash
# The benchmark suite (tests/CambApi.Benchmarks): every target as a ratio against a raw baseline measured in the
# same run, printed as a table at the end. Performance targets live here, never in timed unit tests.
#   build/bench.sh            full BenchmarkDotNet runs (long; for numbers that go in the README)
#   build/bench.sh --quick    ShortRun jobs: every ratio in a few minutes
#   build/bench.sh --smoke    one in-process iteration of each (the test suite does this: they cannot rot)
# Other arguments go to BenchmarkDotNet (e.g. --filter '*PerCall*').
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build tests/CambApi.Benchmarks -c Release -nologo -v:q -clp:NoSummary
# The fleet's measures at scale need PostgreSQL: a throwaway server when CAMB_FLEET_DB names none (and one is installed).
only=$(printf '%s\n' "$@" | sed -n '/^--only$/{n;p;}')
if [ -z "${CAMB_FLEET_DB:-}" ] && { [ -z "$only" ] || [[ "$only" == fleet* ]]; }; then
  . build/throwaway-postgres.sh
  start_throwaway_postgres || true
fi
# BenchmarkDotNet writes its reports under the current directory: keep them out of the tree.
artifacts=$(mktemp -d)
dotnet run -c Release --project tests/CambApi.Benchmarks --no-build -- "$@" --artifacts "$artifacts"
