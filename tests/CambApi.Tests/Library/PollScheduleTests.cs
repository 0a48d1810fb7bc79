namespace CambApi.Tests;

/// <summary>
/// The default poll schedule against the targets of the performance issue, on paper (no clock): a task of length T
/// that ends between two polls is noticed at the next one.
/// </summary>
[TestFixture]
public sealed class PollScheduleTests
{
    /// <summary>Poll times from 0 (the first poll is immediate) until the first one at or after <paramref name="taskLength"/>.</summary>
    private static List<TimeSpan> PollsUntil(TimeSpan taskLength, AudioSeparationClientOptions options)
    {
        var polls = new List<TimeSpan> { TimeSpan.Zero };
        while (polls[^1] < taskLength)
        {
            polls.Add(polls[^1] + PollSchedule.Of(options).After(polls[^1]));
        }

        return polls;
    }

    [Test]
    public void A_ten_minute_task_costs_at_most_45_polls()
    {
        var polls = PollsUntil(TimeSpan.FromMinutes(10), new AudioSeparationClientOptions());

        Assert.That(polls, Has.Count.LessThanOrEqualTo(45));
    }

    [Test]
    public void Any_task_from_5_s_to_30_min_is_noticed_within_2_s_plus_10_percent_of_its_length()
    {
        var options = new AudioSeparationClientOptions();
        var worst = Enumerable.Range(50, 18000 - 50 + 1)
            .Select(tenths => TimeSpan.FromSeconds(tenths / 10.0))
            .Select(length => (Length: length, Late: PollsUntil(length, options)[^1] - length, Allowed: TimeSpan.FromSeconds(2) + (length * 0.1)))
            .MaxBy(x => x.Late - x.Allowed);

        Assert.That(worst.Late, Is.LessThanOrEqualTo(worst.Allowed), $"a {worst.Length.TotalSeconds} s task is seen {worst.Late.TotalSeconds:0.0} s late");
    }
}
