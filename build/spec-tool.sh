# Sourced by update-spec.sh and spec-diff.sh: builds src/CambApi.SpecTools and runs it from a private copy, because
# the tool rebuilds the solution (which would otherwise overwrite the running tool's own files).
spec_tool() {
  local copy build status
  if ! build=$(dotnet build src/CambApi.SpecTools/CambApi.SpecTools.csproj -nologo -v:q -clp:NoSummary 2>&1); then
    echo "$build" | grep -E ' error ' >&2 || echo "$build" >&2
    echo "spec tools: the tool does not build" >&2
    return 1
  fi
  copy=$(mktemp -d)
  cp -r src/CambApi.SpecTools/bin/Debug/net10.0/. "$copy"
  dotnet "$copy/CambApi.SpecTools.dll" "$@"
  status=$?
  rm -rf "$copy"
  return $status
}
