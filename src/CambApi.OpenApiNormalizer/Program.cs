using CambApi.OpenApiNormalizer;

// Usage: CambApi.OpenApiNormalizer <vendor-spec.yaml> <normalized-output.yaml>   (the build step)
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: CambApi.OpenApiNormalizer <input.yaml> <output.yaml>");
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
