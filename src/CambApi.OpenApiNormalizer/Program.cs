using CambApi.OpenApiNormalizer;

// Usage: CambApi.OpenApiNormalizer <vendor-spec.yaml> <normalized-output.yaml>   (the build step)
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: CambApi.OpenApiNormalizer <input.yaml> <output.yaml>");
    return 2;
}

var spec = File.ReadAllText(args[0]);
try
{
    SpecNormalizer.EnsureUsable(spec);
}
catch (UnusableSpecException e)
{
    // MSBuild shows this line as the build error: what in the spec the client cannot be generated from.
    Console.Error.WriteLine($"{args[0]}: error CAMB0002: the client cannot be generated from this spec: {e.Message}");
    return 1;
}

var normalized = SpecNormalizer.Normalize(spec);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(args[1]))!);
// Rewrite only on change so the file's timestamp keeps meaning "the normalized spec changed".
if (!File.Exists(args[1]) || File.ReadAllText(args[1]) != normalized)
{
    File.WriteAllText(args[1], normalized);
}

return 0;
