using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace CambApi;

/// <summary>
/// The one owner of "the service answered something the spec does not describe": a field it does not define, a status
/// value outside its enum, an undocumented HTTP status or content type, or a promise broken (a required field left out,
/// a non-null one sent as null: read as null or default, see CambApi.Client's TolerantReading). Each is a warning once per (operation, kind,
/// name) per process, a <c>camb.client.spec_drift</c> count every time, and an event on the current span. Only names
/// are reported, never values: a value may hold personal data or a signed URL. Callers check cheaply first
/// (<c>HasAdditionalProperties</c>, <c>IsKnown</c>, a status code), so nothing here runs while nothing drifts.
/// </summary>
internal static partial class SpecDrift
{
    public const string Field = "field";
    public const string StatusValue = "status-value";
    public const string HttpStatus = "http-status";
    public const string ContentType = "content-type";
    public const string MissingField = "missing-field";

    private static readonly ConcurrentDictionary<(string Operation, string Kind, string Name), bool> Warned = new();

    /// <summary>Fields of an answer the spec does not define.</summary>
    public static void Fields(ILogger logger, string operation, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            Seen(logger, operation, Field, name);
        }
    }

    /// <summary>
    /// Required fields the answer left out or sent as null (<see cref="TolerantReading.BrokenPromises"/>); nothing runs for
    /// an answer that kept its promises but a lookup in a table that is empty while nothing drifts.
    /// </summary>
    public static void Promises(ILogger logger, string operation, object? model)
    {
        foreach (var name in TolerantReading.BrokenPromises(model))
        {
            Seen(logger, operation, MissingField, name);
        }
    }

    /// <summary>A status value the spec's enum does not list (treated as still running).</summary>
    public static void Status(ILogger logger, string operation, string value) =>
        // An enum member is a word of the API, not data: named when it looks like one, withheld otherwise.
        Seen(logger, operation, StatusValue, Token().IsMatch(value) ? value : "(not an enum word)");

    public static void Seen(ILogger logger, string operation, string kind, string name)
    {
        name = name.Length <= 64 ? name : name[..64] + "…";
        CambApiTelemetry.RecordDrift(operation, kind, name);
        Activity.Current?.AddEvent(new ActivityEvent("camb.spec_drift", tags: new ActivityTagsCollection
        {
            ["camb.operation"] = operation,
            ["camb.drift.kind"] = kind,
            ["camb.drift.name"] = name,
        }));
        if (Warned.TryAdd((operation, kind, name), true))
        {
            LogDrift(logger, operation, Problem(kind), name);
        }
    }

    /// <summary>The kind in words, for the warning (the kind itself is the metric's and the span's tag).</summary>
    private static string Problem(string kind) => kind switch
    {
        Field => "has a field the spec does not describe",
        StatusValue => "has a status value the spec does not list",
        HttpStatus => "has an HTTP status the spec does not document",
        ContentType => "has a content type the spec does not document",
        MissingField => "breaks a promise of the spec (a required field left out or null, read as null)",
        _ => $"has a {kind} the spec does not describe",
    };

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning,
        Message = "The service's {Operation} answer {Problem}: {Name}. Calls go on; the client's spec may be out of date (maintainers: build/update-spec.sh --fetch). Warned once per process.")]
    private static partial void LogDrift(ILogger logger, string operation, string problem, string name);

    [GeneratedRegex("^[A-Z][A-Z0-9_]{0,39}$")]
    private static partial Regex Token();
}
