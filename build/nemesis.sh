#!/usr/bin/env bash
# The nemesis beyond the suite's fixed seeds: seeded fault schedules (workers killed and frozen past their lease,
# PostgreSQL stopped for less and more than a lease, 429 storms, inputs changed after submit, a worker whose clock is off)
# against the real stack, each followed by the fleet's invariants (tests/CambApi.Tests/Fleet/Nemesis).
#   build/nemesis.sh --seeds N    N random seeds; prints each, and the seed of any failure
#   build/nemesis.sh --seed S     replays seed S exactly
# Needs PostgreSQL's server and libfaketime (Debian: postgresql, faketime), as the suite does.
set -uo pipefail
cd "$(dirname "$0")/.."
seeds=""
case "${1:-}" in
  --seeds) for _ in $(seq 1 "${2:?--seeds N}"); do seeds="$seeds${seeds:+,}$((RANDOM * 32768 + RANDOM))"; done ;;
  --seed) seeds="${2:?--seed S}" ;;
  *) echo "usage: build/nemesis.sh --seeds N | --seed S" >&2; exit 2 ;;
esac
echo "nemesis: seeds $seeds"
dotnet build tests/CambApi.Tests -nologo -v:q -clp:NoSummary || exit 1
CAMB_NEMESIS_SEEDS="$seeds" dotnet test tests/CambApi.Tests --no-build --filter "FullyQualifiedName~NemesisTests.The_fleet_keeps_its_promise" \
  --logger "console;verbosity=normal" 2>&1 | tee /dev/stderr | grep -E '^\s+(Passed|Failed) The_fleet' \
  | sed -E 's/.*(Passed|Failed) The_fleet_keeps_its_promise_under_a_seeded_fault_schedule\(([0-9]+)\).*/\1 seed \2/' > /tmp/nemesis-$$.txt
failed=$(grep -c '^Failed' /tmp/nemesis-$$.txt)
passed=$(grep -c '^Passed' /tmp/nemesis-$$.txt)
grep '^Failed' /tmp/nemesis-$$.txt | sed 's/^Failed seed \(.*\)/nemesis: seed \1 FAILED — replay: bash build\/nemesis.sh --seed \1/'
rm -f /tmp/nemesis-$$.txt
echo "nemesis: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
