namespace CambApi.Http;

/// <summary>
/// How the limit on files at the vendor adapts, for one process (<see cref="LocalGate"/>) and for a fleet (in its database)
/// alike: lowered when the vendor says "too many" — once per pause, however many requests it refused in it — and raised by
/// one over its size for each accepted upload (additive increase, multiplicative decrease, as TCP does with its window).
/// A fleet knows more than TCP: how many tasks the vendor held when it refused, which is where the vendor's own limit is.
/// </summary>
internal static class GateRules
{
    /// <summary>How long a refusal's lesson (where the vendor's limit is) holds before the limit probes past it again.</summary>
    public static readonly TimeSpan CeilingMemory = TimeSpan.FromMinutes(5);

    /// <summary>After a refusal that started a new pause: halved.</summary>
    public static double Decrease(double limit) => Math.Max(1, limit / 2);

    /// <summary>
    /// After a refusal that started a new pause, knowing the vendor held <paramref name="atTheVendor"/> tasks: that is its
    /// limit, when it is under ours (the vendor counts tasks, and refused one more); otherwise (a refusal of requests, not
    /// tasks: a rate limit) halved.
    /// </summary>
    public static double Decrease(double limit, long atTheVendor) => Learns(limit, atTheVendor) ? atTheVendor : Decrease(limit);

    /// <summary>True when a refused upload, with <paramref name="atTheVendor"/> tasks held, shows where the vendor's task limit is.</summary>
    public static bool Learns(double limit, long atTheVendor) => atTheVendor > 0 && atTheVendor < Math.Floor(limit);

    /// <summary>After an accepted upload.</summary>
    public static double Increase(double limit, long ceiling) => Math.Min(ceiling, limit + (1 / limit));

    /// <summary>
    /// After an accepted upload, remembering where the vendor last refused (<paramref name="knownCeiling"/>, seen
    /// <paramref name="ceilingAge"/> ago): up to it as usual, past it only once the lesson is older than <see cref="CeilingMemory"/>
    /// (the vendor may have raised its limit), so a settled limit stays settled instead of being refused again every few files.
    /// </summary>
    public static double Increase(double limit, long ceiling, double? knownCeiling, TimeSpan? ceilingAge)
    {
        var raised = Increase(limit, ceiling);
        return knownCeiling is { } known && ceilingAge < CeilingMemory ? Math.Max(limit, Math.Min(raised, known)) : raised;
    }

    /// <summary>
    /// A lesson corrected by what was accepted since: a refusal is judged by the tasks the rows showed held, and an upload
    /// the vendor had already accepted may not have been written yet (its answer was on the way), so the lesson can read low.
    /// The vendor holding <paramref name="atTheVendor"/> tasks after an accepted upload proves it takes at least that many.
    /// </summary>
    public static double? CorrectedCeiling(double? knownCeiling, long atTheVendor) =>
        knownCeiling is { } known && atTheVendor > known ? atTheVendor : knownCeiling;

    /// <summary>
    /// How much older a lesson grows with each upload accepted at it (<paramref name="knownCeiling"/>): twice its size in
    /// accepted uploads retire it as surely as <see cref="CeilingMemory"/> does. A lesson can read low (the vendor held
    /// tasks the rows did not show: an upload whose worker was killed, answers not yet written), and a fleet held at a low
    /// limit never meets the vendor's to learn better; a busy fleet tries past it after a few files, not minutes.
    /// </summary>
    public static TimeSpan AgeingPerAcceptance(double knownCeiling) => CeilingMemory / (2 * Math.Max(1, knownCeiling));

    /// <summary>How many files may be at the vendor under <paramref name="limit"/>.</summary>
    public static int Room(double limit) => (int)Math.Floor(limit);
}
