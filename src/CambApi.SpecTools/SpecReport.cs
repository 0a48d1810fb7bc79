using System.Globalization;
using System.Text;

namespace CambApi.SpecTools;

/// <summary>Exit codes of update-spec and spec-diff.</summary>
internal static class ExitCodes
{
    /// <summary>Applied (or compared); nothing breaks a caller, and after the approvals "Next:" names, the suite is green.</summary>
    public const int Ok = 0;

    /// <summary>The tool itself failed.</summary>
    public const int Failure = 1;

    /// <summary>Bad input: nothing changed on disk.</summary>
    public const int BadInput = 2;

    /// <summary>Applied (or compared) with breaking changes: the report says what to fix.</summary>
    public const int Breaking = 3;

    /// <summary>Applied (or compared); nothing breaks callers, but our own code or tests need a change to build or pass.</summary>
    public const int OurCodeNeedsChange = 4;
}

/// <summary>The report, for the terminal and for openapi/CHANGES.md.</summary>
/// <param name="DeprecatedUses">Where our code and tests still use what this change deprecates.</param>
internal sealed record SpecReport(
    string Title,
    IReadOnlyList<string> Carried,
    IReadOnlyList<Change> Changes,
    ClientReport? Client,
    IReadOnlyList<PublishedPart> Published,
    IReadOnlyList<string> Notes,
    IReadOnlyList<Usage> DeprecatedUses)
{
    public const string ApproveCommand = "bash build/approve-api.sh";

    public const string TestCommand = "bash build/test.sh";

    /// <summary>Every line the verdict weighs: the spec's and the generated assembly's, so the counts and the verdict agree.</summary>
    private IEnumerable<Change> AllLines => Changes.Concat(Client?.Assembly ?? []);

    public int Count(Impact impact) => AllLines.Count(c => c.Impact == impact);

    /// <summary>
    /// A caller's code may stop compiling or working: a BREAKING line in the spec or in the generated assembly, or an
    /// UNCLASSIFIED one (never silently green: a person reads it).
    /// </summary>
    public bool IsBreaking => Count(Impact.Breaking) > 0 || Count(Impact.Unclassified) > 0;

    /// <summary>Tests that fail for another reason than a snapshot to approve.</summary>
    private List<FailedTest> TestsToFix => Client?.FailedTests?.Where(t => !t.IsApproval).ToList() ?? [];

    /// <summary>Callers are fine, but our own code does not compile or our tests fail (beyond snapshot approvals).</summary>
    public bool OurCodeNeedsChange => Client is { } c && (c.CompileErrors.Count > 0 || TestsToFix.Count > 0);

    public int ExitCode => IsBreaking ? ExitCodes.Breaking : OurCodeNeedsChange ? ExitCodes.OurCodeNeedsChange : ExitCodes.Ok;

    private bool SurfaceChanged =>
        Client is { } c && (c.Assembly.Count > 0 || c.FailedTests?.Any(t => t.IsApproval) == true);

    public string Summary =>
        $"{Count(Impact.Breaking)} breaking, " +
        (Count(Impact.Unclassified) > 0 ? $"{Count(Impact.Unclassified)} unclassified, " : "") +
        $"{Count(Impact.Changed)} changed, " +
        (Count(Impact.Deprecated) > 0 ? $"{Count(Impact.Deprecated)} deprecated, " : "") +
        $"{Count(Impact.NonBreaking)} non-breaking";

    /// <summary>
    /// The last line: the class follows from the lines above (BREAKING only when a line is), and "Next:" names every step
    /// back to a green suite.
    /// </summary>
    public string Verdict
    {
        get
        {
            var next = new List<string>();
            if (Client is { CompileErrors.Count: > 0 } errors)
            {
                var more = errors.CompileErrors.Skip(1).ToList();
                var elsewhere = more.Count == 0 ? "" : $"; {Plural(more.Count, "more error")} in {string.Join(", ", more.Select(e => e.File).Distinct())}";
                next.Add($"fix the code that no longer compiles ({errors.CompileErrors[0]}{elsewhere})");
            }

            if (Count(Impact.Unclassified) > 0)
            {
                next.Add("read each UNCLASSIFIED line by hand and decide what it does to callers");
            }

            if (Client is { Usages.Count: > 0 } && IsBreaking)
            {
                next.Add("update what still names the old fields");
            }

            if (SurfaceChanged)
            {
                next.Add($"review the generated client's public API, then approve it once with `{ApproveCommand}`");
            }

            if (TestsToFix.Count > 0)
            {
                next.Add($"make the failing {(TestsToFix.Count == 1 ? "test" : "tests")} pass ({string.Join(", ", TestsToFix.Select(t => t.Name))})");
            }

            if (Client?.FailedTests is null && Client is not { CompileErrors.Count: > 0 })
            {
                next.Add($"run `{TestCommand}` (this report did not run the tests)");
            }
            else if (next.Count > 0)
            {
                next.Add($"then `{TestCommand}` is green");
            }

            var todo = next.Count == 0 ? "" : " Next: " + string.Join("; ", next) + ".";
            if (IsBreaking)
            {
                return Count(Impact.Breaking) > 0
                    ? $"{Summary}: BREAKING (exit 3).{todo}"
                    : $"{Summary}: not classified; read it by hand (exit 3).{todo}";
            }

            if (OurCodeNeedsChange)
            {
                return $"{Summary}: nothing breaks callers; our code needs a change (exit 4).{todo}";
            }

            return Changes.Count == 0 && Client is not { Assembly.Count: > 0 }
                ? "no change for the client (exit 0)."
                : $"{Summary}: nothing breaks callers (exit 0).{todo}";

            static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
        }
    }

    public string ToText()
    {
        var s = new StringBuilder();
        s.AppendLine(Title);
        foreach (var part in Carried)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"  {part}");
        }

        s.AppendLine();
        s.AppendLine("What changes for the client (openapi/camb-api.yaml, old → new):");
        Lines(s, Changes.Select(c => c.ToString()), "no changes");

        if (Client is { } client)
        {
            s.AppendLine("The generated assembly (ApiCompat, CambApi.Client.dll before → after):");
            Lines(s, client.Assembly.Select(c => c.ToString()), "no public API difference ApiCompat can see");
            if (client.CompileErrors.Count > 0)
            {
                s.AppendLine("Hand-written code and tests that no longer compile:");
                Lines(s, client.CompileErrors.Select(e => e.ToString()), "");
            }

            if (client.Usages.Count > 0)
            {
                s.AppendLine("Still naming what is gone (code, tests, simulator, fixtures):");
                Lines(s, client.Usages.Select(u => u.ToString()), "");
            }

            s.AppendLine(client.FailedTests switch
            {
                null => "Tests after regeneration: not run (the solution does not compile).",
                { Count: 0 } => "Tests after regeneration: all pass.",
                var failed => $"Tests after regeneration: {failed.Count} fail:",
            });
            Lines(s, client.FailedTests?.Select(t => t.ToString()) ?? [], null);
        }

        if (DeprecatedUses.Count > 0)
        {
            s.AppendLine("Still using what the vendor deprecated (works until the vendor removes it; CAMB0001 is allowed in Directory.Build.props):");
            Lines(s, DeprecatedUses.GroupBy(u => u.File).Select(g => g.Count() == 1
                ? g.Single().ToString()
                : $"{g.Key}: {string.Join(", ", g.Select(u => u.Name).Distinct())} at lines {string.Join(", ", g.Select(u => u.Line))}"), "");
        }

        if (Published.Count > 0)
        {
            s.AppendLine("Reconstructed parts the vendor now publishes (ours kept; `build/update-spec.sh --adopt SOURCE...` takes the vendor's text):");
            var same = Published.Where(p => p.IfAdopted.Count == 0).ToList();
            if (same.Count > 0)
            {
                s.AppendLine(CultureInfo.InvariantCulture, $"  same as ours: {string.Join(", ", same.Select(p => p.Id))}");
            }

            foreach (var part in Published.Where(p => p.IfAdopted.Count > 0))
            {
                s.AppendLine(CultureInfo.InvariantCulture, $"  {part.Id} ({part.VendorFile}) differs; adopting it would change:");
                foreach (var change in part.IfAdopted)
                {
                    s.AppendLine(CultureInfo.InvariantCulture, $"      {change}");
                }
            }
        }

        foreach (var note in Notes.Concat(Client?.Notes ?? []))
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"Note: {note}");
        }

        s.AppendLine();
        s.AppendLine(Verdict);
        return s.ToString();
    }

    private static void Lines(StringBuilder s, IEnumerable<string> lines, string? empty)
    {
        var any = false;
        foreach (var line in lines)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"  {line}");
            any = true;
        }

        if (!any && !string.IsNullOrEmpty(empty))
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"  ({empty})");
        }
    }

    /// <summary>One entry of openapi/CHANGES.md.</summary>
    public string ToMarkdown(string date)
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"## {date} · {Title} · {Summary}");
        s.AppendLine();
        foreach (var change in Changes)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"- **{Change.Label(change.Impact)}** {Code(change.Subject)}: {change.Detail}");
        }

        if (Changes.Count == 0)
        {
            s.AppendLine("- no change for the client");
        }

        if (Client is { } client)
        {
            if (client.Assembly.Count > 0)
            {
                s.AppendLine();
                s.AppendLine("Generated assembly (ApiCompat):");
                foreach (var change in client.Assembly)
                {
                    s.AppendLine(CultureInfo.InvariantCulture, $"- **{Change.Label(change.Impact)}** {Code(change.Subject)}: {change.Detail}");
                }
            }

            if (client.CompileErrors.Count > 0)
            {
                s.AppendLine();
                s.AppendLine("Hand-written code that no longer compiled:");
                foreach (var error in client.CompileErrors)
                {
                    s.AppendLine(CultureInfo.InvariantCulture, $"- {Code($"{error.File}:{error.Line}")} {error.Code} {error.Message}");
                }
            }
        }

        foreach (var note in Notes)
        {
            s.AppendLine();
            s.AppendLine(CultureInfo.InvariantCulture, $"Note: {note}");
        }

        s.AppendLine();
        return s.ToString();

        static string Code(string text) => $"`{text.Replace("`", "'", StringComparison.Ordinal)}`";
    }

    public const string ChangesHeader =
        "# Changes to openapi/camb-api.yaml\n\n" +
        "Newest first. `build/update-spec.sh` writes an entry each time it takes in vendor text, so the change is\n" +
        "reviewed in the diff. Classes: BREAKING (code that compiled or worked stops), UNCLASSIFIED (read by hand), CHANGED\n" +
        "(works, behaves differently), DEPRECATED (works; consumers see [Obsolete], CAMB0001), NON-BREAKING (documentation,\n" +
        "or something new). Every class of change, with its fixture: docs/spec-changes.md.\n\n";

    /// <summary>openapi/CHANGES.md with this report's entry on top.</summary>
    public static string Prepend(string? existing, string entry)
    {
        var body = existing is null ? "" : existing.StartsWith(ChangesHeader, StringComparison.Ordinal) ? existing[ChangesHeader.Length..] : existing;
        return ChangesHeader + entry + body;
    }
}
