namespace CambApi.Fleet;

/// <summary>The fleet-wide gate: the current limit on files at the vendor, its ceiling, and a pause every worker honours.</summary>
/// <param name="Limit">Files at the vendor at once now (its floor); it adapts between 1 and <paramref name="MaxLimit"/>.</param>
/// <param name="MaxLimit">The ceiling set by <see cref="FleetOptions.FleetLimit"/>.</param>
/// <param name="PausedUntil">Until when no request goes to the vendor (Unix milliseconds of the database's clock; in the past when there is no pause).</param>
/// <param name="Throttled">How many times the vendor asked the fleet to slow down.</param>
/// <param name="PausedFor">How much of the pause is left when this was read (zero: none).</param>
/// <param name="KnownCeiling">Where the vendor last refused (the files it held then): the limit does not probe past it for a while. Null until the first refusal.</param>
public sealed record FleetGateState(double Limit, long MaxLimit, long PausedUntil, long Throttled, TimeSpan PausedFor, double? KnownCeiling);
