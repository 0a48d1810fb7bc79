namespace CambApi.Tests;

/// <summary>
/// The nemesis: seeded fault schedules (<see cref="NemesisSchedule"/>) against the real stack, and the invariants after
/// each (<see cref="NemesisRun"/>). A few fixed seeds run with the suite; <c>build/nemesis.sh --seeds N</c> runs more
/// (through <c>CAMB_NEMESIS_SEEDS</c>), and a failure prints its seed and schedule, replayed by <c>build/nemesis.sh --seed S</c>.
/// </summary>
[TestFixture]
[Category("Slow")]
[Category("Postgres")]
[NonParallelizable]
public sealed class NemesisTests
{
    /// <summary>The seeds the suite runs: fixed, so CI is repeatable; chosen to cover every kind of fault between them.</summary>
    private static readonly int[] CiSeeds = [11, 23, 42];

    private static IEnumerable<int> Seeds() =>
        Environment.GetEnvironmentVariable("CAMB_NEMESIS_SEEDS") is { Length: > 0 } seeds
            ? seeds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))
            : CiSeeds;

    [TestCaseSource(nameof(Seeds))]
    public async Task The_fleet_keeps_its_promise_under_a_seeded_fault_schedule(int seed)
    {
        var schedule = NemesisSchedule.Generate(seed);
        TestContext.Out.WriteLine(schedule.ToString());
        using var run = new NemesisRun(schedule);

        var violations = await run.PlayAsync();

        Assert.That(violations, Is.Empty,
            $"nemesis {schedule}\nreplay: bash build/nemesis.sh --seed {seed}\n{string.Join('\n', violations)}\n\n{run.Outputs()}");
    }

    [Test]
    public void The_ci_seeds_cover_every_kind_of_fault() =>
        Assert.That(CiSeeds.SelectMany(s => NemesisSchedule.Generate(s).Faults.Select(f => f.Kind)).Distinct(), Is.EquivalentTo(Enum.GetValues<NemesisFaultKind>()));
}
