#!/usr/bin/env bash
# Approve the contract suite's snapshots after reviewing a change (the public API of the generated client and of
# the hand-written layer, the parsed FastAPI 422): finds the snapshot tests that fail, lets Snapshooter write their
# snapshots anew, and shows what changed. Commit the .snap files together with the change.
#   usage: build/approve-api.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
export SNAPSHOOTER_STRICT_MODE=false # outside strict mode Snapshooter creates a missing snapshot
tests=tests/CambApi.Contract.Tests
# The output of the snapshot tests; they fail when something needs approving, which is no error here.
snapshot_tests() { dotnet test "$tests" --no-build -nologo --filter "FullyQualifiedName~SnapshotTests" 2>&1 || true; }

if ! build=$(dotnet build CambApi.sln -nologo -v:q -clp:NoSummary 2>&1); then
  echo "$build" | grep -E ' error ' >&2
  echo "approve-api: the solution does not build; fix that first." >&2
  exit 1
fi
failing=$(snapshot_tests | sed -nE 's/^ *Failed ([A-Za-z0-9_]+)( \[.*)?$/\1/p' | sort -u)
if [ -z "$failing" ]; then
  echo "approve-api: nothing to approve; every snapshot matches."
  exit 0
fi

for test in $failing; do
  rm -f "$tests"/__snapshots__/*."$test".snap
  echo "approve-api: re-approving $test"
done
snapshot_tests >/dev/null
find tests -type d -name __mismatch__ -prune -exec rm -rf {} +
if still=$(snapshot_tests | sed -nE 's/^ *Failed ([A-Za-z0-9_]+).*/\1/p') && [ -n "$still" ]; then
  echo "approve-api: still failing after approval (not a snapshot difference): $still" >&2
  exit 1
fi
git --no-pager diff --stat -- "$tests/__snapshots__"
echo "approve-api: review the snapshot diff (git diff $tests/__snapshots__) and commit it with the change."
