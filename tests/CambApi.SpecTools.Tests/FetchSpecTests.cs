using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CambApi.SpecTools.Tests;

/// <summary>
/// update-spec --fetch against a loopback server that plays the vendor's docs site (the index the seed names, the
/// page sources.json records, and each way a fetch fails), through --docs, as a maintainer or the weekly watch runs it.
/// </summary>
[TestFixture]
public sealed class FetchSpecTests
{
    private const string PagePath = "/api-reference/endpoint/get-audio-separation-result.md";
    private WireMockServer _docs = null!;

    [SetUp]
    public void StartDocsSite()
    {
        _docs = WireMockServer.Start();
        ServeIndex();
    }

    [TearDown]
    public void StopDocsSite() => _docs.Dispose();

    [Test]
    public void A_renamed_field_on_the_vendor_page_is_reported_breaking()
    {
        using var repo = new TempRepo();
        Serve(PagePath, File.ReadAllText(TempRepo.Fixture("renamed-field.txt")));

        var result = Fetch(repo);

        Assert.That(result.Output, Does.Contain("BREAKING      schema AudioSeparationRunInfoResponse: response field renamed: foreground_audio_url → foreground_url"), result.Error);
        Assert.That(result.Exit, Is.EqualTo(3));
        Assert.That(File.ReadAllText(Path.Combine(repo.Root, "openapi", "vendor", "sources.json")),
            Does.Contain("\"url\": \"https://docs.camb.ai/api-reference/endpoint/get-audio-separation-result.md\""),
            "the page's address stays recorded for the next fetch, not the loopback address that played it");
        Assert.That(File.ReadAllText(Path.Combine(repo.Root, "openapi", "vendor", "sources.json")),
            Does.Contain("\"from\": \"https://docs.camb.ai/api-reference/endpoint/get-audio-separation-result.md\"").And.Not.Contain("127.0.0.1"));
    }

    [Test]
    public void A_page_without_its_openapi_block_names_the_address_and_changes_nothing()
    {
        using var repo = new TempRepo();
        Serve(PagePath, "# Get Audio Separation Result\n\nThis page moved to the new API reference.\n");
        var before = repo.Fingerprint();

        var result = Fetch(repo);

        Assert.That(result.Exit, Is.EqualTo(2));
        Assert.That(ProblemLines(result.Error), Has.Count.EqualTo(1));
        Assert.That(result.Error, Does.StartWith($"update-spec: {_docs.Url}{PagePath}: no OpenAPI here"));
        Assert.That(repo.Fingerprint(), Is.EqualTo(before));
    }

    [Test]
    public void An_unchanged_page_says_no_change_and_touches_nothing()
    {
        using var repo = new TempRepo();
        Serve(PagePath, File.ReadAllText(TempRepo.Fixture("seed-page.txt")));
        var before = repo.Fingerprint();

        var result = Fetch(repo);

        Assert.That(result.Exit, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("update-spec: no change:"));
        Assert.That(result.Error, Is.Empty);
        Assert.That(repo.Fingerprint(), Is.EqualTo(before));
    }

    [Test]
    public void A_docs_site_that_is_down_is_one_line_and_exit_2()
    {
        using var repo = new TempRepo();
        var address = _docs.Url!;
        _docs.Stop();
        var before = repo.Fingerprint();

        var result = Fetch(repo, address);

        Assert.That(result.Exit, Is.EqualTo(2));
        Assert.That(ProblemLines(result.Error), Is.EqualTo(new[]
        {
            $"update-spec: {address}/llms.txt: could not connect (the connection was refused or dropped) — check the address, your network or proxy (HTTPS_PROXY), then run the fetch again",
        }));
        Assert.That(repo.Fingerprint(), Is.EqualTo(before));
    }

    [Test]
    public void A_missing_page_that_the_index_lists_elsewhere_names_its_new_address()
    {
        using var repo = new TempRepo();
        ServeIndex("- [Get Audio Separation Result](https://docs.camb.ai/api-reference/audio/get-audio-separation-result.md): Retrieves detail information");
        var before = repo.Fingerprint();

        var result = Fetch(repo);

        Assert.That(result.Exit, Is.EqualTo(2));
        Assert.That(ProblemLines(result.Error), Is.EqualTo(new[]
        {
            $"update-spec: {_docs.Url}{PagePath}: 404 not found; the docs index lists it at https://docs.camb.ai/api-reference/audio/get-audio-separation-result.md — set that url in openapi/vendor/sources.json and run the fetch again",
        }));
        Assert.That(repo.Fingerprint(), Is.EqualTo(before));
    }

    [Test]
    public void A_page_that_moved_is_not_followed_but_named()
    {
        using var repo = new TempRepo();
        _docs.Given(Request.Create().WithPath(PagePath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(301).WithHeader("Location", "/api-reference/audio/get-audio-separation-result.md"));

        var result = Fetch(repo);

        Assert.That(result.Exit, Is.EqualTo(2));
        Assert.That(ProblemLines(result.Error), Is.EqualTo(new[]
        {
            $"update-spec: {_docs.Url}{PagePath}: moved to {_docs.Url}/api-reference/audio/get-audio-separation-result.md — check it is the same page, set its url in openapi/vendor/sources.json, and run the fetch again",
        }));
    }

    [Test]
    public void An_html_error_page_is_refused()
    {
        using var repo = new TempRepo();
        _docs.Given(Request.Create().WithPath(PagePath).UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "text/html").WithBody("<!DOCTYPE html><html><body>Just a moment...</body></html>"));
        var before = repo.Fingerprint();

        var result = Fetch(repo);

        Assert.That(result.Exit, Is.EqualTo(2));
        Assert.That(ProblemLines(result.Error), Has.Count.EqualTo(1));
        Assert.That(result.Error, Does.Contain($"{_docs.Url}{PagePath}: an HTML page, not the Markdown text of a docs page"));
        Assert.That(repo.Fingerprint(), Is.EqualTo(before));
    }

    [Test]
    public void A_site_that_does_not_answer_in_time_is_one_line()
    {
        using var repo = new TempRepo();
        _docs.Given(Request.Create().WithPath(PagePath).UsingGet())
            .RespondWith(Response.Create().WithBody("late").WithDelay(TimeSpan.FromSeconds(10)));

        var result = Fetch(repo, timeout: TimeSpan.FromMilliseconds(300));

        Assert.That(result.Exit, Is.EqualTo(2));
        Assert.That(ProblemLines(result.Error), Is.EqualTo(new[]
        {
            $"update-spec: {_docs.Url}{PagePath}: no answer within 0.3 s — check your network or proxy (HTTPS_PROXY) and run the fetch again",
        }));
    }

    [Test]
    public void A_server_error_is_one_line()
    {
        using var repo = new TempRepo();
        _docs.Given(Request.Create().WithPath(PagePath).UsingGet()).RespondWith(Response.Create().WithStatusCode(503));

        var result = Fetch(repo);

        Assert.That(result.Exit, Is.EqualTo(2));
        Assert.That(ProblemLines(result.Error), Is.EqualTo(new[] { $"update-spec: {_docs.Url}{PagePath}: the docs site answered 503 Service Unavailable — try again later; nothing was changed" }));
    }

    [Test]
    public void A_new_audio_separation_page_in_the_index_is_named_and_taken_in_with_one_command()
    {
        using var repo = new TempRepo();
        const string newPage = "https://docs.camb.ai/api-reference/endpoint/get-audio-separation-stems.md";
        ServeIndex($"- [Get Audio Separation Stems]({newPage}): Retrieves the stems of a run");
        Serve(PagePath, File.ReadAllText(TempRepo.Fixture("seed-page.txt")));
        Serve("/api-reference/endpoint/get-audio-separation-stems.md", File.ReadAllText(TempRepo.Fixture("new-page.txt")));

        var noticed = Fetch(repo);
        var added = Fetch(repo, add: newPage);
        var again = Fetch(repo);

        var line = $"NEW PAGE      Get Audio Separation Stems: {newPage} — openapi/ does not cover it yet; add it: bash build/update-spec.sh --fetch --add {newPage}";
        Assert.That(noticed.Exit, Is.EqualTo(0));
        Assert.That(noticed.Output.Split('\n'), Does.Contain(line), "pages for other operations of the family are covered by openapi/ and not listed");
        Assert.That(noticed.Output.Split('\n').Count(l => l.StartsWith("NEW PAGE", StringComparison.Ordinal)), Is.EqualTo(1), noticed.Output);
        Assert.That(added.Output, Does.Contain("GET /audio-separation-stems/{run_id}"), added.Error);
        Assert.That(again.Output, Does.Not.Contain("NEW PAGE"));
        Assert.That(again.Output, Does.Contain("no change"), "the added page is fetched from its recorded address from now on");
    }

    [Test]
    public void The_script_reads_the_docs_site_from_CAMB_DOCS_URL_as_a_maintainer_runs_it()
    {
        using var repo = new TempRepo();
        Serve(PagePath, File.ReadAllText(TempRepo.Fixture("renamed-field.txt")));
        var start = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(TempRepo.RepositoryRoot, "build", "update-spec.sh"), "--fetch", "--no-build", "--repo", repo.Root })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment[DocsFetch.EnvironmentVariable] = _docs.Url;
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        Assert.That(process.ExitCode, Is.EqualTo(3), output + error.Result);
        Assert.That(output, Does.Contain("BREAKING      schema AudioSeparationRunInfoResponse: response field renamed: foreground_audio_url → foreground_url"));
    }

    private void ServeIndex(params string[] extra)
    {
        // The family as the vendor's index lists it (titles from its docs; the result page is the seed).
        var lines = new[]
        {
            "# CAMB.AI", "", "## Docs",
            "- [Create Audio Separation](https://docs.camb.ai/api-reference/endpoint/create-audio-separation.md): Upload media to separate",
            "- [Get Audio Separation Status](https://docs.camb.ai/api-reference/endpoint/get-audio-separation-status.md): Poll a task",
            "- [Get Audio Separation Result](https://docs.camb.ai/api-reference/endpoint/get-audio-separation-result.md): Retrieves detail information",
            "- [Get Audio Separation Runs Results](https://docs.camb.ai/api-reference/endpoint/get-audio-separation-runs-results.md): Batch results",
            "- [Create Dub](https://docs.camb.ai/api-reference/endpoint/create-dub.md): Another family",
        }.Concat(extra);
        _docs.Given(Request.Create().WithPath("/llms.txt").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "text/plain").WithBody(string.Join('\n', lines) + "\n"));
    }

    private void Serve(string path, string markdown) =>
        _docs.Given(Request.Create().WithPath(path).UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "text/markdown; charset=utf-8").WithBody(markdown));

    private (int Exit, string Output, string Error) Fetch(TempRepo repo, string? docs = null, TimeSpan? timeout = null, string? add = null)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var request = new FetchRequest(docs ?? _docs.Url, add is null ? [] : [add], timeout ?? TimeSpan.FromSeconds(10));
        var exit = SpecCommands.Fetch(repo.Root, request, adopt: false, build: false, runTests: false, "2026-12-02", output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static List<string> ProblemLines(string error) =>
        error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l != "update-spec: nothing changed.").ToList();
}
