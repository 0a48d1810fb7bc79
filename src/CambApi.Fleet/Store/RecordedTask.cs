namespace CambApi.Fleet;

/// <summary>What became of an upload's task id, and the first status read's due time when this checkpoint wrote it.</summary>
internal sealed record RecordedTask(TaskRecorded Outcome, long? Due);
