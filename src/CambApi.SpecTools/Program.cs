using System.CommandLine;
using CambApi.SpecTools;

// build/update-spec.sh, build/spec-diff.sh and the provenance check run this. See README "When the vendor changes the API".
var repoOption = new Option<string>("--repo") { Description = "Repository root", DefaultValueFactory = _ => Directory.GetCurrentDirectory() };
var noBuild = new Option<bool>("--no-build") { Description = "Spec-level report only: skip regenerating, ApiCompat, the build and the tests" };
var noTests = new Option<bool>("--no-tests") { Description = "Regenerate and build, but do not run the tests" };

var sources = new Argument<string[]>("sources") { Description = "Vendor docs pages, fragments or whole OpenAPI documents (YAML or JSON)", Arity = ArgumentArity.OneOrMore };
var adopt = new Option<bool>("--adopt") { Description = "Also replace our reconstructed parts with the vendor's text where it publishes them" };
var date = new Option<string?>("--date") { Description = "Date recorded in sources.json and CHANGES.md (default: today, UTC)" };
var update = new Command("update", "Take vendor text into openapi/, regenerate, and report what it breaks") { sources, adopt, repoOption, noBuild, noTests, date };
update.SetAction(parse => SpecCommands.Update(
    parse.GetValue(repoOption)!, parse.GetValue(sources)!, parse.GetValue(adopt), !parse.GetValue(noBuild), !parse.GetValue(noTests),
    parse.GetValue(date) ?? DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Console.Out, Console.Error));

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
