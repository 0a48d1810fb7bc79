using System.ComponentModel;
using Hangfire;

namespace CambApi.Fleet;

/// <summary>
/// Hangfire's entry point into the fleet: one job moves one file one step (upload, one status read, or the download) and
/// schedules the next. Short steps keep a waiting task from holding a worker, and make a lost job cheap to replay: every
/// step is reentrant — it reads the file's row and acts only in the state it expects (Hangfire's advice for at-least-once
/// delivery). Internal: <see cref="CambFleet"/> enqueues it; Hangfire needs only its method to be public.
/// </summary>
internal sealed class FleetJobs
{
    private readonly FleetSteps _runtime;

    internal FleetJobs(FleetSteps runtime) => _runtime = runtime;

    /// <summary>Moves the file whose content hash is <paramref name="sha256"/> one step on.</summary>
    /// <param name="sha256">The file's row.</param>
    /// <param name="fileName">For the dashboard's job list only.</param>
    /// <param name="due">The file's due time this job was made for: a status read whose row has moved on belongs to a replaced chain, and ends without a request.</param>
    /// <param name="cancellationToken">Hangfire's: cancelled when this worker stops (the job is then handed back).</param>
    [DisplayName("{1}")]
    [ShortLivedJob]
    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [2, 5, 10, 30, 60], OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public Task StepAsync(string sha256, string fileName, long? due, CancellationToken cancellationToken) => _runtime.StepAsync(sha256, due, cancellationToken);

    /// <summary>Creates the jobs of one worker's runtime (Hangfire asks for an instance per job).</summary>
    internal sealed class Activator(FleetSteps runtime) : JobActivator
    {
        public override object ActivateJob(Type jobType) =>
            jobType == typeof(FleetJobs) ? new FleetJobs(runtime) : base.ActivateJob(jobType);
    }
}
