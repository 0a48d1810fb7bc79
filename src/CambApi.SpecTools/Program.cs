using System.CommandLine;
using CambApi.SpecTools;

// build/update-spec.sh, build/spec-diff.sh and the provenance check run this. See CONTRIBUTING "When the vendor changes the API".
var repoOption = new Option<string>("--repo") { Description = "Repository root", DefaultValueFactory = _ => Directory.GetCurrentDirectory() };
var noBuild = new Option<bool>("--no-build") { Description = "Spec-level report only: skip regenerating, ApiCompat, the build and the tests" };
var noTests = new Option<bool>("--no-tests") { Description = "Regenerate and build, but do not run the tests" };

var sources = new Argument<string[]>("sources") { Description = "Vendor docs pages, fragments or whole OpenAPI documents (YAML or JSON)", Arity = ArgumentArity.ZeroOrMore };
var adopt = new Option<bool>("--adopt") { Description = "Also replace our reconstructed parts with the vendor's text where it publishes them" };
var date = new Option<string?>("--date") { Description = "Date recorded in sources.json and CHANGES.md (default: today, UTC)" };
var fetch = new Option<bool>("--fetch") { Description = "Download every page openapi/vendor/sources.json records (and read the docs index for pages openapi/ does not cover)" };
var docs = new Option<string?>("--docs") { Description = $"With --fetch: the docs site's base address, each page's path kept (default: each recorded address; or {DocsFetch.EnvironmentVariable})" };
var add = new Option<string[]>("--add") { Description = "With --fetch: a docs page (its Markdown address) to take in for the first time", AllowMultipleArgumentsPerToken = true };
var timeout = new Option<double>("--timeout") { Description = "With --fetch: seconds to wait for each page", DefaultValueFactory = _ => 30 };
var update = new Command("update", "Take vendor text into openapi/, regenerate, and report what it breaks") { sources, adopt, repoOption, noBuild, noTests, date, fetch, docs, add, timeout };
update.Validators.Add(result =>
{
    var paths = result.GetValue(sources) ?? [];
    if (result.GetValue(fetch) == (paths.Length > 0))
    {
        result.AddError(paths.Length > 0 ? "give vendor files or --fetch, not both" : "name the vendor's text (a saved docs page or OpenAPI file), or use --fetch to download it");
    }
    else if (!result.GetValue(fetch) && (result.GetValue(docs) is not null || (result.GetValue(add) ?? []).Length > 0))
    {
        result.AddError("--docs and --add go with --fetch");
    }
});
update.SetAction(parse =>
{
    var repo = parse.GetValue(repoOption)!;
    var day = parse.GetValue(date) ?? DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
    return parse.GetValue(fetch)
        ? SpecCommands.Fetch(repo, new FetchRequest(
                parse.GetValue(docs) ?? (Environment.GetEnvironmentVariable(DocsFetch.EnvironmentVariable) is { Length: > 0 } env ? env : null),
                parse.GetValue(add) ?? [], TimeSpan.FromSeconds(parse.GetValue(timeout))),
            parse.GetValue(adopt), !parse.GetValue(noBuild), !parse.GetValue(noTests), day, Console.Out, Console.Error)
        : SpecCommands.Update(repo, parse.GetValue(sources)!, parse.GetValue(adopt), !parse.GetValue(noBuild), !parse.GetValue(noTests), day, Console.Out, Console.Error);
});

var oldSpec = new Option<string>("--old-spec") { Description = "The spec to compare from", Required = true };
var oldNSwag = new Option<string?>("--old-nswag") { Description = "The nswag.json that went with it" };
var label = new Option<string>("--label") { Description = "What the old spec is (a git revision)", DefaultValueFactory = _ => "old" };
var diff = new Command("diff", "Report what changed for the client between an old spec and openapi/camb-api.yaml") { oldSpec, oldNSwag, label, repoOption, noBuild, noTests };
diff.SetAction(parse => SpecCommands.Diff(
    parse.GetValue(repoOption)!, parse.GetValue(oldSpec)!, parse.GetValue(oldNSwag), parse.GetValue(label)!, !parse.GetValue(noBuild), !parse.GetValue(noTests), Console.Out, Console.Error));

var check = new Command("check", "Check that the vendor-owned parts of openapi/camb-api.yaml equal openapi/vendor/") { repoOption };
check.SetAction(parse => SpecCommands.Check(parse.GetValue(repoOption)!, Console.Out, Console.Error));

var root = new RootCommand("CambApi spec tools. Exit codes: 0 nothing breaking, 2 bad input (nothing changed), 3 breaking changes.") { update, diff, check };
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"spec tools: {error.Message}");
    }

    return ExitCodes.BadInput;
}

try
{
    return parsed.Invoke();
}
catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
{
    // One line, no stack trace: what failed and that openapi/ may need a look.
    Console.Error.WriteLine($"spec tools: {e.Message.ReplaceLineEndings(" ")} (check openapi/ with git status)");
    return ExitCodes.Failure;
}
