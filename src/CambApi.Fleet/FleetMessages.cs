namespace CambApi.Fleet;

/// <summary>The lines the fleet stores and prints for a file, in one place (status, dashboard, the worker's log).</summary>
internal static class FleetMessages
{
    public const string UploadInterrupted =
        "the upload was cut off (its worker stopped) before the service returned a task id: no one can know whether it was charged — " +
        "`camb fleet release HASH` uploads it again (it may be charged twice)";

    public const string UploadUnanswered =
        "the upload got no answer the service could have sent only without creating a task: it may have been charged — " +
        "`camb fleet release HASH` uploads it again (it may be charged twice)";
}
