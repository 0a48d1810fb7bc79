namespace CambApi.Fleet;

/// <summary>
/// Where a file is on its way from the catalogue to two tracks. The order is the happy path; Failed and Uncertain end it
/// until a person releases the file (<c>camb fleet release</c>).
/// </summary>
public enum FleetFileState
{
    /// <summary>Submitted; waits for room at the vendor.</summary>
    New,

    /// <summary>Admitted under the fleet's limit; a job will upload it.</summary>
    Admitted,

    /// <summary>A worker holds the claim and is uploading it (paying for it).</summary>
    Uploading,

    /// <summary>The service has a task for it (the task id is stored): only polled from here, never uploaded again.</summary>
    Processing,

    /// <summary>The run is done (the run id is stored): only downloaded from here.</summary>
    Ready,

    /// <summary>Both tracks are in the output folder.</summary>
    Done,

    /// <summary>The service refused it or the separation failed; the reason is stored.</summary>
    Failed,

    /// <summary>
    /// An upload was in flight when its worker died, and no task id was saved: the vendor has no idempotency key and no list
    /// of tasks, so no one can know whether it was charged. Never uploaded again by itself; a person decides.
    /// </summary>
    Uncertain,
}
