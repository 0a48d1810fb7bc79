using CambApi.OpenApiNormalizer;

// Usage:
//   CambApi.OpenApiNormalizer <vendor-spec.yaml> <normalized-output.yaml>        (the build step)
//   CambApi.OpenApiNormalizer --check-verbatim <spec.yaml> <vendor-fragment.yaml>... (build/update-spec.sh)
if (args is ["--check-verbatim", var specPath, .. var fragments] && fragments.Length > 0)
{
    var problems = VerbatimCheck.Differences(File.ReadAllText(specPath), fragments.Select(f => (Path.GetFileName(f), File.ReadAllText(f))));
    foreach (var problem in problems)
    {
        Console.Error.WriteLine(problem);
    }

    Console.WriteLine(problems.Count == 0 ? "verbatim parts match the vendor fragments" : $"{problems.Count} difference(s)");
    return problems.Count == 0 ? 0 : 1;
}

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: CambApi.OpenApiNormalizer <input.yaml> <output.yaml> | --check-verbatim <spec.yaml> <fragment.yaml>...");
    return 2;
}

var normalized = SpecNormalizer.Normalize(File.ReadAllText(args[0]));
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(args[1]))!);
// Rewrite only on change so the file's timestamp keeps meaning "the normalized spec changed".
if (!File.Exists(args[1]) || File.ReadAllText(args[1]) != normalized)
{
    File.WriteAllText(args[1], normalized);
}

return 0;
