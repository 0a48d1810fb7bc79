namespace CambApi.Fleet;

/// <summary>What became of an upload's task id.</summary>
internal enum TaskRecorded
{
    /// <summary>The file's one task: it goes on to processing.</summary>
    Adopted,

    /// <summary>A newer claim had taken the file: the task is noted on this attempt's record, not adopted.</summary>
    Noted,
}
