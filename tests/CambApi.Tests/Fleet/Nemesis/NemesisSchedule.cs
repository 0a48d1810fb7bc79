using System.Globalization;

namespace CambApi.Tests;

/// <summary>
/// One seeded fault schedule for the nemesis: which faults, when, for how long and against whom — every choice drawn from
/// one <see cref="Random"/> seeded by <see cref="Seed"/>, so a failure replays exactly (<c>build/nemesis.sh --seed S</c>).
/// The faults are those a production fleet meets: a worker killed or frozen past its lease, the database stopped for less
/// or more than a lease, a 429 storm, an input changed after submit, and (chosen at the start) a worker whose clock is off.
/// </summary>
internal sealed record NemesisSchedule(int Seed, int Files, int Workers, int SkewedWorker, TimeSpan Skew, IReadOnlyList<NemesisFault> Faults)
{
    /// <summary>How long a claim lives unrenewed in the nemesis's fleet (short, so faults cross it).</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    public static NemesisSchedule Generate(int seed)
    {
        var random = new Random(seed);
        var workers = random.Next(2, 4);
        var files = random.Next(20, 33);
        var skewed = random.Next(0, 2) == 0 ? -1 : random.Next(workers);
        var skew = TimeSpan.FromMinutes(random.Next(1, 11) * (random.Next(2) == 0 ? -1 : 1));
        var faults = new List<NemesisFault>();
        var at = TimeSpan.FromSeconds(1 + random.NextDouble() * 2);
        var kinds = Enum.GetValues<NemesisFaultKind>();
        for (var i = random.Next(3, 6); i > 0; i--)
        {
            var kind = kinds[random.Next(kinds.Length)];
            var length = kind switch
            {
                NemesisFaultKind.Kill => TimeSpan.FromSeconds(1 + random.NextDouble() * 2), // until its replacement starts
                NemesisFaultKind.Freeze => Lease + TimeSpan.FromSeconds(1 + random.NextDouble() * 3),
                NemesisFaultKind.DatabaseDown => TimeSpan.FromSeconds(random.Next(2) == 0 ? 1 + random.NextDouble() : Lease.TotalSeconds + 1 + random.NextDouble() * 3),
                NemesisFaultKind.Storm => TimeSpan.FromSeconds(2 + random.NextDouble() * 4),
                _ => TimeSpan.Zero,
            };
            faults.Add(new NemesisFault(kind, at, length, random.Next(kind == NemesisFaultKind.ChangeInput ? files : workers)));
            at += length + TimeSpan.FromSeconds(0.5 + random.NextDouble() * 2); // one fault at a time: a failure names its cause
        }

        return new NemesisSchedule(seed, files, workers, skewed, skew, faults);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"seed {Seed}: {Files} files, {Workers} workers") +
        (SkewedWorker >= 0 ? string.Create(CultureInfo.InvariantCulture, $" (worker {SkewedWorker} {Skew.TotalMinutes:+0;-0} min off)") : "") +
        "; " + string.Join(", ", Faults.Select(f => f.ToString()));
}
