using System.Diagnostics;
using System.Text.RegularExpressions;

namespace CambApi.SpecTools;

/// <summary>A compiler error in code we wrote, after regeneration.</summary>
internal sealed record CompileError(string File, int Line, string Code, string Message)
{
    public override string ToString() => $"{File}:{Line}  {Code} {Message}";
}

/// <summary>A line of hand-written code or test data that still names something the change removed or renamed.</summary>
internal sealed record Usage(string Name, string File, int Line, string Text)
{
    public override string ToString() => $"{File}:{Line}  {Name}  ({Text})";
}

/// <summary>A test that fails after regeneration, with its class and the first line of its message.</summary>
internal sealed record FailedTest(string Name, string ClassName, string Message)
{
    /// <summary>A snapshot the approval rewrites (build/approve-api.sh takes every failing test of a SnapshotTests class).</summary>
    public bool IsApproval => ClassName.EndsWith(".SnapshotTests", StringComparison.Ordinal);

    public override string ToString() => Message.Length == 0 ? Name : $"{Name}: {Message}";
}

/// <summary>What the change does to the generated assembly, our code and our tests.</summary>
internal sealed record ClientReport(
    IReadOnlyList<Change> Assembly,
    IReadOnlyList<CompileError> CompileErrors,
    IReadOnlyList<Usage> Usages,
    IReadOnlyList<FailedTest>? FailedTests,
    IReadOnlyList<string> Notes);

/// <summary>
/// The client's side of a spec change, seen from the build: the generated assembly before and after compared by
/// Microsoft.DotNet.ApiCompat (its findings put in plain words), the hand-written code and tests that stop
/// compiling, every remaining use of a removed name, and the tests that fail after regeneration.
/// </summary>
internal static partial class ClientView
{
    /// <param name="newClient">The new spec's client, already generated (<see cref="Generate"/>); built here when null.</param>
    public static ClientReport Build(string repo, string oldSpecPath, string? oldNSwagPath, IReadOnlyList<Change> specChanges, bool runTests, TextWriter progress, string? newClient = null)
    {
        var work = Directory.CreateTempSubdirectory("camb-spec-");
        try
        {
            var notes = new List<string>();
            progress.WriteLine(newClient is null ? "generating the client from the old spec and from the new one ..." : "generating the client from the old spec ...");
            var before = BuildClient(repo, oldSpecPath, oldNSwagPath, Path.Combine(work.FullName, "before"), notes);
            var after = newClient ?? BuildClient(repo, Path.Combine(repo, "openapi", "camb-api.yaml"), null, Path.Combine(work.FullName, "after"), notes);
            var assembly = before is not null && after is not null ? Compare(repo, before, after, notes) : [];

            progress.WriteLine("building the solution against the new client ...");
            var build = Run(repo, "dotnet", ["build", "CambApi.sln", "-nologo", "-v:q", "-clp:NoSummary"], null);
            var errors = CompileErrors(build.Output, repo);
            if (build.ExitCode != 0 && errors.Count == 0)
            {
                notes.Add("the solution build failed without a compiler error; run `dotnet build CambApi.sln` to see why.");
            }

            var names = specChanges.Concat(assembly).Select(c => c.Gone).OfType<string>().Distinct().ToList();
            var usages = FindUsages(repo, names);

            List<FailedTest>? failed = null;
            if (runTests && build.ExitCode == 0)
            {
                progress.WriteLine("running the tests against the new client ...");
                var results = Path.Combine(work.FullName, "results");
                var test = Run(repo, "dotnet", ["test", "CambApi.sln", "--no-build", "-nologo", "--logger", "trx", "--results-directory", results],
                    new() { ["SNAPSHOOTER_STRICT_MODE"] = "true" });
                failed = FailedTests(results);
                if (test.ExitCode != 0 && failed.Count == 0)
                {
                    notes.Add("the test run failed without a failing test; run `bash build/test.sh` to see why.");
                }
            }

            return new ClientReport(assembly, errors, usages, failed, notes);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>A client generated from a spec not yet written to openapi/ (update-spec's check before it writes).</summary>
    internal sealed class GeneratedClient(DirectoryInfo work, string? assembly, string? problem) : IDisposable
    {
        /// <summary>The compiled client, or null when it could not be made.</summary>
        public string? Assembly { get; } = assembly;

        /// <summary>Why the client could not be made (the first error), or null.</summary>
        public string? Problem { get; } = problem;

        public void Dispose() => work.Delete(recursive: true);
    }

    /// <summary>Generates and compiles the client from <paramref name="specText"/>, in a folder of its own.</summary>
    internal static GeneratedClient Generate(string repo, string specText, TextWriter progress)
    {
        var work = Directory.CreateTempSubdirectory("camb-spec-new-");
        var spec = Path.Combine(work.FullName, "camb-api.yaml");
        File.WriteAllText(spec, specText);
        progress.WriteLine("generating the client from the new spec ...");
        var notes = new List<string>();
        var dll = BuildClient(repo, spec, null, Path.Combine(work.FullName, "artifacts"), notes);
        return new GeneratedClient(work, dll, dll is null ? notes.LastOrDefault() ?? "the client did not build" : null);
    }

    internal static string? BuildClient(string repo, string specPath, string? nswagPath, string artifacts, List<string> notes)
    {
        var args = new List<string>
        {
            "build", Path.Combine(repo, "src", "CambApi.Client", "CambApi.Client.csproj"), "-nologo", "-v:q", "-clp:NoSummary",
            "--artifacts-path", artifacts, $"-p:CambSpecPath={specPath}",
        };
        if (nswagPath is not null)
        {
            args.Add($"-p:CambNSwagConfigPath={nswagPath}");
        }

        var result = Run(repo, "dotnet", args, null);
        var dll = Path.Combine(artifacts, "bin", "CambApi.Client", "debug", "CambApi.Client.dll");
        if (result.ExitCode != 0 || !File.Exists(dll))
        {
            var first = CompileErrors(result.Output, repo).FirstOrDefault()?.ToString()
                ?? result.Output.Split('\n').Select(l => AnyBuildError().Match(l)).FirstOrDefault(m => m.Success)?.Groups["msg"].Value
                ?? LastLines(result.Output, 3);
            notes.Add($"the client does not generate/compile from {Path.GetFileName(specPath)}: {first}");
            return null;
        }

        return dll;
    }

    internal static List<Change> Compare(string repo, string before, string after, List<string> notes)
    {
        var restore = Run(repo, "dotnet", ["tool", "restore"], null);
        if (restore.ExitCode != 0)
        {
            notes.Add("ApiCompat is not available (`dotnet tool restore` failed): " + LastLines(restore.Output, 2));
            return [];
        }

        // Strict mode reports additions too; ApiCompat's exit code only says whether it found anything.
        var result = Run(repo, "dotnet", ["apicompat", "--strict-mode", "-l", before, "-r", after], null);
        return Translate(result.Output.Split('\n'), before);
    }

    [GeneratedRegex(@"^(?<id>CP\d{4}): (?<kind>Member|Type) '(?<sig>.+)' exists on (?<side>.+?) but not on .+$")]
    private static partial Regex ExistsOnOneSide();

    [GeneratedRegex(@"^(?<id>CP\d{4}): (?<msg>.+)$")]
    private static partial Regex AnyFinding();

    /// <summary>An MSBuild error without a source position, such as the normalizer's CAMB0002 or NSwag's.</summary>
    [GeneratedRegex(@"error (?<code>[A-Z]+\d+): (?<msg>.+?)(?: \[[^\]]+\])?$")]
    private static partial Regex AnyBuildError();

    /// <summary>ApiCompat's findings as report lines: a member on one side only is removed or added; on both, changed.</summary>
    internal static List<Change> Translate(IEnumerable<string> lines, string leftPath)
    {
        var removed = new Dictionary<string, string>(StringComparer.Ordinal);
        var added = new Dictionary<string, string>(StringComparer.Ordinal);
        var changes = new List<Change>();
        foreach (var raw in lines.Select(l => l.Trim()))
        {
            if (ExistsOnOneSide().Match(raw) is { Success: true } m)
            {
                var (key, shape) = m.Groups["kind"].Value == "Type"
                    ? ("type " + Simplify(m.Groups["sig"].Value), "")
                    : Member(m.Groups["sig"].Value);
                var side = m.Groups["side"].Value == leftPath ? removed : added;
                if (!side.ContainsKey(key) || shape.Length > 0)
                {
                    side[key] = shape;
                }
            }
            else if (AnyFinding().Match(raw) is { Success: true } other)
            {
                changes.Add(new Change(Impact.Breaking, "C#", $"{other.Groups["id"].Value} {other.Groups["msg"].Value.Replace(leftPath, "before", StringComparison.Ordinal)}"));
            }
        }

        foreach (var (key, shape) in removed)
        {
            var gone = key.StartsWith("type ", StringComparison.Ordinal) ? key[5..] : key.Split('.')[^1];
            changes.Add(added.Remove(key, out var now)
                ? Widens(shape, now)
                    ? new Change(Impact.Changed, $"C# {key}", $"{Changed(shape, now)} (parameters added, the old ones kept in order: calls that name their arguments compile unchanged; code built against the old assembly is rebuilt)")
                    : new Change(Impact.Breaking, $"C# {key}", Changed(shape, now))
                : new Change(Impact.Breaking, $"C# {key}", shape.Length == 0 ? "removed" : $"removed ({shape})") { Gone = gone });
        }

        changes.AddRange(added.Select(a => new Change(Impact.NonBreaking, $"C# {a.Key}", a.Value.Length == 0 ? "added" : $"added ({a.Value})")));
        return changes.OrderBy(c => c.Impact).ThenBy(c => c.Subject, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// A method that only gained parameters (the spec's new optional inputs), its old ones in the same order and its return
    /// type the same. Whether the new ones are optional is the spec's line (a new required one is BREAKING there).
    /// </summary>
    private static bool Widens(string before, string after)
    {
        var (bp, br) = SplitMethod(before);
        var (ap, ar) = SplitMethod(after);
        if (bp is null || ap is null || br != ar)
        {
            return false;
        }

        var (was, now) = (Parameters(bp), Parameters(ap));
        var at = 0;
        foreach (var parameter in now)
        {
            if (at < was.Count && was[at] == parameter)
            {
                at++;
            }
        }

        return at == was.Count && now.Count > was.Count;

        static List<string> Parameters(string list)
        {
            var parts = new List<string>();
            var (depth, start) = (0, 1);
            for (var i = 1; i < list.Length - 1; i++)
            {
                depth += list[i] switch { '<' or '(' => 1, '>' or ')' => -1, _ => 0 };
                if (list[i] == ',' && depth == 0)
                {
                    parts.Add(list[start..i].Trim());
                    start = i + 1;
                }
            }

            var last = list[start..^1].Trim();
            if (last.Length > 0)
            {
                parts.Add(last);
            }

            return parts;
        }
    }

    /// <summary>Old → new, showing only the part of a method's shape that changed.</summary>
    private static string Changed(string before, string after)
    {
        var (bp, br) = SplitMethod(before);
        var (ap, ar) = SplitMethod(after);
        return bp is null || ap is null ? $"{before} → {after}"
            : br == ar ? $"{bp} → {ap}"
            : bp == ap ? $"returns {br} → {ar}"
            : $"{before} → {after}";
    }

    private static (string? Parameters, string Returns) SplitMethod(string shape) =>
        shape.StartsWith('(') && shape.LastIndexOf("): ", StringComparison.Ordinal) is var at and > 0
            ? (shape[..(at + 1)], shape[(at + 3)..])
            : (null, shape);

    /// <summary>
    /// "string? CambApi.Client.X.Prop.get" → ("X.Prop", "string?"); "Task&lt;R&gt; CambApi.Client.X.M(int, CancellationToken)" →
    /// ("X.M", "(int, CancellationToken): Task&lt;R&gt;"). A setter has no type of its own to show.
    /// </summary>
    private static (string Key, string Shape) Member(string signature)
    {
        var depth = 0;
        var split = -1;
        for (var i = 0; i < signature.Length && split < 0; i++)
        {
            depth += signature[i] switch { '<' or '(' => 1, '>' or ')' => -1, _ => 0 };
            if (signature[i] == ' ' && depth == 0)
            {
                split = i;
            }
        }

        var (returns, name) = split < 0 ? ("", signature) : (Simplify(signature[..split]), signature[(split + 1)..]);
        var open = name.IndexOf('(', StringComparison.Ordinal);
        if (open >= 0)
        {
            return (Simplify(name[..open]), $"{Simplify(name[open..])}{(returns.Length > 0 ? ": " + returns : "")}");
        }

        if (name.EndsWith(".get", StringComparison.Ordinal) || name.EndsWith(".set", StringComparison.Ordinal))
        {
            return (Simplify(name[..^4]), name.EndsWith(".get", StringComparison.Ordinal) ? returns : "");
        }

        return (Simplify(name), returns);
    }

    [GeneratedRegex(@"System\.Nullable<(?<t>[^<>]+)>")]
    private static partial Regex NullableOf();

    private static string Simplify(string type)
    {
        var s = NullableOf().Replace(type, "${t}?");
        foreach (var ns in new[] { "CambApi.Client.", "System.Threading.Tasks.", "System.Collections.Generic.", "System.Threading.", "System.Net.Http.", "System." })
        {
            s = s.Replace(ns, "", StringComparison.Ordinal);
        }

        return s;
    }

    [GeneratedRegex(@"^(?<file>[^\s(][^(]*)\((?<line>\d+),\d+\): error (?<code>[A-Z]+\d+): (?<msg>.+?)(?: \[[^\]]+\])?$")]
    private static partial Regex CompilerError();

    internal static List<CompileError> CompileErrors(string output, string repo)
    {
        var root = Path.GetFullPath(repo).TrimEnd('/') + "/";
        return output.Split('\n')
            .Select(l => CompilerError().Match(l.Trim()))
            .Where(m => m.Success)
            .Select(m => new CompileError(
                m.Groups["file"].Value.StartsWith(root, StringComparison.Ordinal) ? m.Groups["file"].Value[root.Length..] : m.Groups["file"].Value,
                int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["code"].Value, m.Groups["msg"].Value))
            .Distinct()
            .OrderBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line)
            .ToList();
    }

    /// <summary>
    /// Every line of hand-written code and test data naming something that is gone: compile errors find the C# uses
    /// in projects that still build, this finds the rest (tests behind a broken project, JSON the simulator sends).
    /// </summary>
    internal static List<Usage> FindUsages(string repo, IReadOnlyCollection<string> names)
    {
        if (names.Count == 0)
        {
            return [];
        }

        var patterns = names.ToDictionary(n => n, n => new Regex($@"(?<![A-Za-z0-9_]){Regex.Escape(n)}(?![A-Za-z0-9_])", RegexOptions.CultureInvariant));
        var usages = new List<Usage>();
        foreach (var top in new[] { "src", "tests" })
        {
            var dir = Path.Combine(repo, top);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var relative = Path.GetRelativePath(repo, file).Replace('\\', '/');
                // The spec tools, their fixtures and the normalizer talk about the API (names as test data and in docs); they do not use it.
                if (relative.Split('/').Any(p => p is "bin" or "obj" or "__snapshots__" or "TestResults" or "CambApi.SpecTools" or "CambApi.SpecTools.Tests" or "CambApi.OpenApiNormalizer") ||
                    Path.GetExtension(file) is not (".cs" or ".json" or ".txt" or ".yaml" or ".http"))
                {
                    continue;
                }

                var lines = File.ReadAllLines(file);
                for (var i = 0; i < lines.Length; i++)
                {
                    var found = patterns.Where(p => p.Value.IsMatch(lines[i])).Select(p => p.Key).ToList();
                    if (found.Count > 0)
                    {
                        var text = lines[i].Trim();
                        usages.Add(new Usage(string.Join(", ", found), relative, i + 1, text.Length > 90 ? text[..87] + "..." : text));
                    }
                }
            }
        }

        return usages;
    }

    private static readonly System.Xml.Linq.XNamespace Trx = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    /// <summary>
    /// The failed tests of a run, from the TRX files <c>dotnet test --logger trx</c> wrote into <paramref name="resultsDirectory"/>:
    /// unlike the console, they name each test's class, which tells a snapshot to approve from a test to fix.
    /// </summary>
    internal static List<FailedTest> FailedTests(string resultsDirectory)
    {
        var failed = new List<FailedTest>();
        foreach (var file in Directory.Exists(resultsDirectory) ? Directory.GetFiles(resultsDirectory, "*.trx", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray() : [])
        {
            var run = System.Xml.Linq.XDocument.Load(file);
            var classes = run.Descendants(Trx + "UnitTest").ToDictionary(
                t => (string)t.Attribute("id")!, t => (string?)t.Element(Trx + "TestMethod")?.Attribute("className") ?? "");
            foreach (var result in run.Descendants(Trx + "UnitTestResult").Where(r => (string?)r.Attribute("outcome") == "Failed"))
            {
                var message = ((string?)result.Descendants(Trx + "Message").FirstOrDefault() ?? "").Trim().Split('\n')[0].Trim();
                failed.Add(new FailedTest((string)result.Attribute("testName")!, classes.GetValueOrDefault((string)result.Attribute("testId")!, ""),
                    message.Length > 160 ? message[..157] + "..." : message));
            }
        }

        return failed.DistinctBy(f => f.Name).ToList();
    }

    private static string LastLines(string text, int count) =>
        string.Join(" / ", text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).TakeLast(count));

    internal sealed record ProcessResult(int ExitCode, string Output);

    internal static ProcessResult Run(string directory, string file, IEnumerable<string> args, Dictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? [])
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.Result + stderr.Result);
    }
}
