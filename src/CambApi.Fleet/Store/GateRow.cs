namespace CambApi.Fleet;

/// <summary>The gate's row as Dapper reads it, its times relative to the database's clock.</summary>
internal sealed class GateRow
{
    public double Limit { get; set; }

    public long MaxLimit { get; set; }

    public long PausedUntil { get; set; }

    public long Throttled { get; set; }

    public double? KnownCeiling { get; set; }

    /// <summary>How long the pause lasts from now (0: no pause).</summary>
    public long PausedForMs { get; set; }

    /// <summary>How long ago the vendor last showed where its limit is (null: never).</summary>
    public long? CeilingAgeMs { get; set; }

    public FleetGateState ToState() => new(Limit, MaxLimit, PausedUntil, Throttled, TimeSpan.FromMilliseconds(PausedForMs), KnownCeiling);
}
