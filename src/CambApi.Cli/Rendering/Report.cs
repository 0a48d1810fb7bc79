using System.Text.Json;
using Spectre.Console;

namespace CambApi.Cli.Rendering;

/// <summary>The end of a command: the outcomes as JSON (stdout), or as lines for a person; unfinished ones always on stderr.</summary>
internal static class Report
{
    public static void Write(CliConsole console, IReadOnlyList<FileOutcome> outcomes, bool json)
    {
        // One plain line per unfinished file, never inside a table (which may wrap): it says what to do next.
        foreach (var o in outcomes.Where(o => o.Error is not null))
        {
            console.Error.WriteLine($"camb: {o.Name}: {o.Error!.Message}");
        }

        if (json)
        {
            console.Out.WriteLine(JsonSerializer.Serialize(outcomes, FileOutcome.Json));
            return;
        }

        foreach (var o in outcomes.Where(o => o.Outcome is Outcome.Ok or Outcome.Skipped && o.Foreground is not null))
        {
            console.Out.WriteLine($"{o.Name} -> run {o.RunId}{(o.Outcome == Outcome.Skipped ? " (already done)" : "")}");
            console.Out.WriteLine($"  foreground: {o.Foreground}");
            console.Out.WriteLine($"  background: {o.Background}");
            if (o.SumsToInput is { } sums)
            {
                console.Out.WriteLine(sums ? "  check: foreground + background == input, sample for sample" : "  check: FAILED, foreground + background != input");
            }
        }

        if (console.Interactive && outcomes.Count > 1)
        {
            var table = new Table().AddColumns("input", "result", "foreground", "background");
            foreach (var o in outcomes)
            {
                table.AddRow(Markup.Escape(o.Name),
                    o.Error is null ? $"[green]{o.Outcome.ToString().ToLowerInvariant()}[/]" : $"[red]{Markup.Escape(o.Error.Message)}[/]",
                    Markup.Escape(o.Foreground is null ? "-" : Path.GetFileName(o.Foreground)), Markup.Escape(o.Background is null ? "-" : Path.GetFileName(o.Background)));
            }

            console.Ansi.Write(table);
        }
    }
}
