namespace CambApi.Simulator;

/// <summary>
/// Vendor changes the simulator can play (<see cref="SimulatorOptions.Drift"/>, <c>camb simulate --drift</c>), so a
/// consumer can rehearse one in their own tests and the library's drift warnings and <c>camb check</c> are tested end to end.
/// </summary>
[Flags]
public enum SimulatedDrift
{
    /// <summary>Answers exactly as the spec describes them.</summary>
    None = 0,

    /// <summary>A field the spec does not know in every answer: <c>queue_position</c> (create), <c>progress</c> (status), <c>duration</c> (results).</summary>
    ExtraFields = 1,

    /// <summary>A task still processing reports <c>PROCESSING</c>, a status value the spec does not list, instead of <c>PENDING</c>.</summary>
    NewStatus = 2,

    /// <summary>Results name the foreground track's address <c>foreground_url</c> instead of <c>foreground_audio_url</c>: a breaking change.</summary>
    RenamedField = 4,

    /// <summary>A 404 answers with a plain-text body instead of FastAPI's <c>{"detail": …}</c>.</summary>
    PlainNotFound = 8,

    /// <summary>Every drift above.</summary>
    All = ExtraFields | NewStatus | RenamedField | PlainNotFound,
}
