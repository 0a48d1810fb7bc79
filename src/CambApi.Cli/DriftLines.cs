using System.Diagnostics.Metrics;

namespace CambApi.Cli;

/// <summary>
/// Collects the library's <c>camb.client.spec_drift</c> measurements during one command — as any consumer can, with a
/// <see cref="MeterListener"/> — and says at the end, one line per kind, what the service sent that openapi/ does not
/// describe. The listener is the process's one; an <see cref="AsyncLocal{T}"/> gives each command (and each test running
/// commands side by side) its own lines.
/// </summary>
internal sealed class DriftLines
{
    private static readonly AsyncLocal<DriftLines?> Current = new();
    private static readonly Lazy<MeterListener> Listener = new(StartListener);

    private readonly List<(string Operation, string Kind, string Name)> _seen = [];

    private DriftLines()
    {
    }

    /// <summary>Starts collecting for the command running on this async flow.</summary>
    public static DriftLines Begin()
    {
        _ = Listener.Value;
        var lines = new DriftLines();
        Current.Value = lines;
        return lines;
    }

    /// <summary>What drifted, in the report's words: one line per kind, names only (never a value).</summary>
    public IReadOnlyList<string> Lines()
    {
        List<(string Operation, string Kind, string Name)> seen;
        lock (_seen)
        {
            seen = _seen.Distinct().ToList();
        }

        const string Fix = " — update camb, or run build/update-spec.sh --fetch in its repository";
        var lines = new List<string>();
        void Add(string kind, Func<IEnumerable<(string Operation, string Name)>, string> say)
        {
            var items = seen.Where(s => s.Kind == kind).Select(s => (s.Operation, s.Name)).ToList();
            if (items.Count > 0)
            {
                lines.Add("camb: " + say(items) + Fix);
            }
        }

        Add(SpecDrift.Field, items => $"the service sent {Join(items.Select(i => $"`{i.Name}` in the {i.Operation} answer"))}, which openapi/ does not know");
        Add(SpecDrift.StatusValue, items => $"the service reported status {Join(items.Select(i => $"`{i.Name}`").Distinct())}, which openapi/ does not list (treated as still running)");
        Add(SpecDrift.HttpStatus, items => $"the service answered HTTP {Join(items.Select(i => $"{i.Name} to {i.Operation}"))}, which openapi/ does not document");
        Add(SpecDrift.ContentType, items => $"the service answered {Join(items.Select(i => $"{i.Name} to {i.Operation}"))}, where openapi/ has JSON");
        Add(SpecDrift.MissingField, items => $"the service left out or sent null {Join(items.Select(i => $"`{i.Name}` in the {i.Operation} answer"))}, which openapi/ says it always sends (read as empty)");
        return lines;
    }

    private static string Join(IEnumerable<string> parts) => string.Join(", ", parts);

    private static MeterListener StartListener()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == CambApiTelemetry.MeterName && instrument.Name == "camb.client.spec_drift")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            if (Current.Value is not { } lines)
            {
                return;
            }

            string? operation = null, kind = null, name = null;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "camb.operation": operation = tag.Value as string; break;
                    case "camb.drift.kind": kind = tag.Value as string; break;
                    case "camb.drift.name": name = tag.Value as string; break;
                }
            }

            lock (lines._seen)
            {
                lines._seen.Add((operation ?? "api", kind ?? "", name ?? ""));
            }
        });
        listener.Start();
        return listener;
    }
}
