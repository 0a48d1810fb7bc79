namespace CambApi.Fleet;

/// <summary>The fleet at a glance, for a status line and the dashboard.</summary>
/// <param name="Counts">Files by state.</param>
/// <param name="InFlight">Files that hold a place at the vendor (admitted, uploading, processing).</param>
/// <param name="Gate">The limit, its ceiling and the pause.</param>
/// <param name="Uncertain">Files that may have been paid for and wait for a person (the first 100).</param>
/// <param name="FailuresByReason">Failed files by their code.</param>
public sealed record FleetStatus(
    IReadOnlyDictionary<FleetFileState, int> Counts,
    int InFlight,
    FleetGateState Gate,
    IReadOnlyList<FleetFile> Uncertain,
    IReadOnlyDictionary<string, int> FailuresByReason);
