using CambApi.Fleet;

namespace CambApi.Tests;

/// <summary>
/// The fleet's request budget, on paper: once it has learned how long processing takes per second of audio, a 10-minute
/// task costs at most 12 status reads and is still noticed within 2 s + 10 % of its length; without that knowledge (and for
/// a task that runs longer than predicted) the library's schedule holds.
/// </summary>
[TestFixture]
public sealed class PollPlanTests
{
    private static readonly AudioSeparationClientOptions Schedule = new();

    /// <summary>Polls from the upload until the task (of <paramref name="actualSeconds"/>) is seen done; and how late.</summary>
    private static (int Polls, double LateSeconds) Run(double actualSeconds, double? audioSeconds, double? rate)
    {
        long now = 0, polls = 0;
        while (true)
        {
            now = PollPlan.Next(0, now, audioSeconds, rate, Schedule);
            polls++;
            if (now >= actualSeconds * 1000)
            {
                return ((int)polls, (now - (actualSeconds * 1000)) / 1000.0);
            }
        }
    }

    [TestCase(600.0, 0.95)]
    [TestCase(600.0, 1.0)]
    [TestCase(600.0, 1.08)]
    [TestCase(60.0, 1.0)]
    public void With_a_learned_rate_a_task_costs_few_reads_and_is_seen_in_time(double seconds, double actualOverPredicted)
    {
        // 300 s of audio at 2 s of processing per second of audio: predicted 600 s; the task takes actualOverPredicted of it.
        var (polls, late) = Run(seconds * actualOverPredicted, audioSeconds: seconds / 2, rate: 2.0);

        Assert.That(polls, Is.LessThanOrEqualTo(12));
        Assert.That(late, Is.LessThanOrEqualTo(2 + (0.1 * seconds * actualOverPredicted)));
    }

    [Test]
    public void Without_a_rate_the_librarys_schedule_holds()
    {
        var (polls, late) = Run(600, audioSeconds: null, rate: null);

        Assert.That(polls, Is.EqualTo(42), "the library's schedule (43 reads for 10 minutes, less the one at upload time)");
        Assert.That(late, Is.LessThanOrEqualTo(2 + 60));
    }

    [Test]
    public void An_outlier_that_runs_three_times_longer_is_still_seen_in_time()
    {
        var (_, late) = Run(1800, audioSeconds: 300, rate: 2.0);

        Assert.That(late, Is.LessThanOrEqualTo(2 + 180));
    }
}
