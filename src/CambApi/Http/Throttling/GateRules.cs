namespace CambApi.Http;

/// <summary>
/// How the limit on files at the vendor adapts, for one process (<see cref="LocalGate"/>) and for a fleet (in its database)
/// alike: halved when the vendor says "too many" — once per pause, however many requests it refused in it — and raised by
/// one over its size for each accepted upload (additive increase, multiplicative decrease, as TCP does with its window).
/// </summary>
internal static class GateRules
{
    /// <summary>After a refusal that started a new pause.</summary>
    public static double Decrease(double limit) => Math.Max(1, limit / 2);

    /// <summary>After an accepted upload.</summary>
    public static double Increase(double limit, long ceiling) => Math.Min(ceiling, limit + (1 / limit));

    /// <summary>How many files may be at the vendor under <paramref name="limit"/>.</summary>
    public static int Room(double limit) => (int)Math.Floor(limit);
}
