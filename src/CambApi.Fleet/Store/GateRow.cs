namespace CambApi.Fleet;

/// <summary>The gate's row as Dapper reads it.</summary>
internal sealed class GateRow
{
    public double Limit { get; set; }

    public long MaxLimit { get; set; }

    public long PausedUntil { get; set; }

    public long Throttled { get; set; }

    public FleetGateState ToState() => new(Limit, MaxLimit, PausedUntil, Throttled);
}
