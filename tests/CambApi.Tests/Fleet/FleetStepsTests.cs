using CambApi.Fleet;
using CambApi.Simulator;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.Time.Testing;

namespace CambApi.Tests;

/// <summary>
/// A status-read step made for a due time the file's row has moved on from belongs to a chain that was replaced (the sweep
/// re-enqueued an overdue file while its step still waited): it ends without a request. The step the row expects reads the
/// status once and schedules the next read on the worker's own timer, with its own due time, which fires on the clock.
/// </summary>
[TestFixture]
public sealed class FleetStepsTests
{
    [Test]
    public async Task A_job_of_a_replaced_chain_reads_nothing_and_the_current_one_reads_once()
    {
        var folder = Directory.CreateTempSubdirectory("camb-fleet-runtime-").FullName;
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-02T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            await using var simulator = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.FromHours(1) });
            using var client = simulator.CreateClient();
            var input = Path.Combine(folder, "take.wav");
            await File.WriteAllBytesAsync(input, TestAudio.Wav());
            var task = await client.StartSeparationAsync(input);

            var store = new FleetStore(FleetDatabase.Embedded(folder) with { Clock = FleetClock.Of(time) });
            await store.EnsureSchemaAsync(initialLimit: 4, CancellationToken.None);
            await store.Files.SubmitAsync([new NewFile("ab12", input, "take.wav", folder, "ab12", 1000, 1.0)], CancellationToken.None);
            await store.Files.AdmitAsync(CancellationToken.None);
            var claimed = await store.Files.ClaimUploadAsync("ab12", 0, "worker-1", TimeSpan.FromSeconds(30), CancellationToken.None);
            var due = (await store.Files.RecordTaskAsync("ab12", claimed!.Attempt, task.TaskId, TimeSpan.FromSeconds(10), CancellationToken.None)).Due!.Value;
            time.Advance(TimeSpan.FromSeconds(60)); // both jobs are late: only the due time they carry tells them apart

            var jobs = new RecordingJobClient();
            var options = new FleetOptions { TimeProvider = time };
            using var runtime = new FleetSteps(store, client, new AudioSeparationClientOptions(), jobs, new StoreGate(store.Gate, time),
                new TaskSpool(Path.Combine(folder, "spool")), options, _ => { });
            var pollsBefore = simulator.StatusPolls;

            await runtime.StepAsync("ab12", due - 5_000, CancellationToken.None);
            Assert.That(simulator.StatusPolls, Is.EqualTo(pollsBefore), "the replaced chain's job makes no request");
            Assert.That(jobs.Steps, Is.Empty);

            await runtime.StepAsync("ab12", due, CancellationToken.None);
            Assert.That(simulator.StatusPolls, Is.EqualTo(pollsBefore + 1));
            var next = (await store.Monitor.GetAsync("ab12", CancellationToken.None))!.NextStepAt;
            Assert.That(next, Is.GreaterThan(time.GetUtcNow().ToUnixTimeMilliseconds()));
            Assert.That((jobs.Steps, runtime.PendingOwnSteps), Is.EqualTo((new List<(string, long?)>(), 1)), "the next read waits on this worker's timer, not in a queue");

            time.Advance(TimeSpan.FromMilliseconds(next!.Value - time.GetUtcNow().ToUnixTimeMilliseconds()));
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (simulator.StatusPolls < pollsBefore + 2)
            {
                await Task.Delay(20, bound.Token); // the timer's step runs on the thread pool: a bounded wait for it, not a timing assertion
            }

            Assert.That((await store.Monitor.GetAsync("ab12", CancellationToken.None))!.Polls, Is.EqualTo(2), "the timer's step was the one the row expected");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Records the steps a runtime enqueues or schedules instead of handing them to Hangfire.</summary>
    private sealed class RecordingJobClient : IBackgroundJobClient
    {
        public List<(string Sha256, long? Due)> Steps { get; } = [];

        public string Create(Job job, IState state)
        {
            Steps.Add(((string)job.Args[0]!, (long?)job.Args[2]));
            return Steps.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool ChangeState(string jobId, IState state, string expectedState) => true;
    }
}
