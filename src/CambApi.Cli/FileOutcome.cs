using System.Text.Json;
using System.Text.Json.Serialization;

namespace CambApi.Cli;

/// <summary>What became of one file (or one run or task): the one shape every command reports.</summary>
internal enum Outcome
{
    /// <summary>Done now.</summary>
    Ok,

    /// <summary>Already done by an earlier run of the command (the journal and the files agree).</summary>
    Skipped,

    /// <summary>Failed; <see cref="FileOutcome.Error"/> says why.</summary>
    Failed,

    /// <summary>Still running at --timeout; the task goes on and the same command resumes it.</summary>
    Pending,

    /// <summary>Stopped by Ctrl+C; the same command resumes it.</summary>
    Interrupted,
}

/// <summary>
/// The per-file object of every command's <c>--json</c> (docs/cli.md "JSON output"): <c>input</c>, <c>outcome</c>,
/// <c>task_status</c>, <c>task_id</c>, <c>run_id</c>, <c>foreground</c>, <c>background</c>, <c>sums_to_input</c>, <c>error</c>.
/// </summary>
/// <param name="Input">The input file, or null for a run or task named on the command line.</param>
/// <param name="Name">What the person reads: the input's name, <c>run 123</c> or <c>task abc</c>. Not in the JSON.</param>
/// <param name="Foreground">The file written, or for <c>camb results</c> the URL without its signature.</param>
internal sealed record FileOutcome(
    string? Input,
    [property: JsonIgnore] string Name,
    Outcome Outcome,
    string? TaskStatus = null,
    string? TaskId = null,
    long? RunId = null,
    string? Foreground = null,
    string? Background = null,
    bool? SumsToInput = null,
    Failure? Error = null)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The exit code of a command that reported <paramref name="outcomes"/>.</summary>
    public static int ExitCode(IReadOnlyCollection<FileOutcome> outcomes)
    {
        var unfinished = outcomes.Where(o => o.Outcome is not (Outcome.Ok or Outcome.Skipped)).ToList();
        return unfinished.Count == 0 ? ExitCodes.Success
            : unfinished.Any(o => o.Outcome == Outcome.Interrupted) ? ExitCodes.Interrupted
            : unfinished.All(o => o.Outcome == Outcome.Pending) ? ExitCodes.TimedOut
            : unfinished.Count == outcomes.Count ? ExitCodes.Failure
            : ExitCodes.PartialSuccess;
    }
}
