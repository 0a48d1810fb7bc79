namespace CambApi.SpecTools;

/// <summary>The three commands, over a repository root (tests point them at a temporary copy).</summary>
internal static class SpecCommands
{
    public static string SpecPath(string repo) => Path.Combine(repo, "openapi", "camb-api.yaml");

    public static string VendorDirectory(string repo) => Path.Combine(repo, "openapi", "vendor");

    public static string ChangesPath(string repo) => Path.Combine(repo, "openapi", "CHANGES.md");

    public static int Update(string repo, IReadOnlyList<string> sourcePaths, bool adopt, bool build, bool runTests, string date, TextWriter output, TextWriter error) =>
        Update(repo, _ => (sourcePaths.Select(VendorSource.Read).ToList(), []), adopt, build, runTests, date, output, error);

    /// <summary>update-spec --fetch: the same update, with the vendor's texts downloaded from the addresses sources.json records.</summary>
    public static int Fetch(string repo, FetchRequest request, bool adopt, bool build, bool runTests, string date, TextWriter output, TextWriter error) =>
        Update(repo, store =>
        {
            var summaries = Yaml.Load(File.ReadAllText(SpecPath(repo)), "openapi/camb-api.yaml").Get("paths").Entries()
                .SelectMany(p => p.Value.Entries()).Select(o => o.Value.Text("summary")).OfType<string>().ToList();
            var fetched = DocsFetch.Fetch(store, summaries, request);
            if (fetched.Problems.Count > 0)
            {
                throw new SpecInputException(string.Join("\nupdate-spec: ", fetched.Problems));
            }

            return (fetched.Documents, fetched.NewPages);
        }, adopt, build, runTests, date, output, error);

    private static int Update(
        string repo,
        Func<VendorStore, (IReadOnlyList<VendorDocument> Documents, IReadOnlyList<string> NewPages)> read,
        bool adopt,
        bool build,
        bool runTests,
        string date,
        TextWriter output,
        TextWriter error)
    {
        UpdatePlan plan;
        string oldSpecCopy;
        IReadOnlyList<string> newPages;
        try
        {
            // Everything is read and checked before anything is written: bad input leaves openapi/ as it was.
            var store = VendorStore.Load(VendorDirectory(repo));
            if (store.Problems.Count > 0)
            {
                throw new SpecInputException($"openapi/vendor/ is inconsistent ({string.Join(" ", store.Problems)}); restore it (git checkout -- openapi/vendor) first.");
            }

            (var documents, newPages) = read(store);
            var specText = File.ReadAllText(SpecPath(repo));
            plan = SpecUpdate.Plan(specText, store, documents, adopt, date);
            oldSpecCopy = specText;
        }
        catch (SpecInputException e)
        {
            error.WriteLine($"update-spec: {e.Message}");
            error.WriteLine("update-spec: nothing changed.");
            return ExitCodes.BadInput;
        }

        var title = string.Join(", ", plan.Sources.Select(d => $"{d.StoreName} ← {d.Origin} ({d.Kind})"));
        foreach (var page in newPages)
        {
            output.WriteLine(page);
        }

        if (plan.ChangesNothing)
        {
            output.WriteLine($"update-spec: {title}");
            output.WriteLine("update-spec: no change: openapi/ already holds this vendor text; nothing changed (exit 0).");
            return ExitCodes.Ok;
        }

        using var generated = build ? ClientView.Generate(repo, plan.NewSpec, error) : null;
        if (generated is { Problem: { } problem })
        {
            error.WriteLine($"update-spec: the client cannot be generated from the vendor text: {problem}");
            error.WriteLine("update-spec: nothing changed.");
            return ExitCodes.BadInput;
        }

        SpecUpdate.Write(plan, SpecPath(repo));
        var carried = plan.Edits.Select(e => e switch
        {
            SpecEdit.Carry c when Yaml.Load(plan.OldSpec, "old").GetPath(c.Id.KeyPath) is null => $"added from vendor text: {e.Id}",
            SpecEdit.Carry => $"vendor text carried into the spec: {e.Id}",
            SpecEdit.Remove => $"removed (the vendor no longer publishes it): {e.Id}",
            SpecEdit.Mark => $"kept as ours (x-source: reconstructed): {e.Id}",
            _ => e.Id.ToString(),
        }).ToList();

        var client = build ? BuildClientView(repo, oldSpecCopy, null, plan.Changes, runTests, error, generated?.Assembly) : null;
        carried.Add("written: openapi/camb-api.yaml, openapi/vendor/, openapi/CHANGES.md (review them with git diff)");
        var report = new SpecReport($"update-spec: {title}", carried, plan.Changes, client, plan.Published, plan.Notes, DeprecatedUses(repo, plan.Changes));
        var changesPath = ChangesPath(repo);
        Files.WriteAtomically(changesPath, SpecReport.Prepend(File.Exists(changesPath) ? File.ReadAllText(changesPath) : null, report.ToMarkdown(date)));
        output.Write(report.ToText());
        return report.ExitCode;
    }

    public static int Diff(string repo, string oldSpecPath, string? oldNSwagPath, string label, bool build, bool runTests, TextWriter output, TextWriter error)
    {
        IReadOnlyList<Change> changes;
        string oldSpec;
        try
        {
            oldSpec = File.ReadAllText(oldSpecPath);
            var newSpec = File.ReadAllText(SpecPath(repo));
            changes = SpecDiff.Compare(Yaml.Load(oldSpec, $"openapi/camb-api.yaml at {label}"), Yaml.Load(newSpec, "openapi/camb-api.yaml"));
        }
        catch (SpecInputException e)
        {
            error.WriteLine($"spec-diff: {e.Message}");
            return ExitCodes.BadInput;
        }

        var client = build ? BuildClientView(repo, oldSpec, oldNSwagPath, changes, runTests, error) : null;
        var report = new SpecReport($"spec-diff: openapi/camb-api.yaml at {label} → working tree", [], changes, client, [], [], DeprecatedUses(repo, changes));
        output.Write(report.ToText());
        return report.ExitCode;
    }

    public static int Check(string repo, TextWriter output, TextWriter error)
    {
        try
        {
            var problems = VerbatimCheck.Differences(File.ReadAllText(SpecPath(repo)), VendorStore.Load(VendorDirectory(repo)));
            foreach (var problem in problems)
            {
                error.WriteLine(problem);
            }

            output.WriteLine(problems.Count == 0 ? "vendor-owned parts match openapi/vendor/" : $"{problems.Count} difference(s)");
            return problems.Count == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        }
        catch (SpecInputException e)
        {
            error.WriteLine(e.Message);
            return ExitCodes.BadInput;
        }
    }

    /// <summary>Where our code and tests still use a C# name the change deprecates.</summary>
    private static List<Usage> DeprecatedUses(string repo, IReadOnlyList<Change> changes) =>
        ClientView.FindUsages(repo, changes.Select(c => c.DeprecatedName).OfType<string>().Distinct().ToList());

    private static ClientReport BuildClientView(string repo, string oldSpec, string? oldNSwagPath, IReadOnlyList<Change> changes, bool runTests, TextWriter progress, string? newClient = null)
    {
        var oldCopy = Path.Combine(Path.GetTempPath(), $"camb-api.before-{Environment.ProcessId}.yaml");
        File.WriteAllText(oldCopy, oldSpec);
        try
        {
            return ClientView.Build(repo, oldCopy, oldNSwagPath, changes, runTests, progress, newClient);
        }
        finally
        {
            File.Delete(oldCopy);
        }
    }
}
