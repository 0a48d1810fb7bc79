namespace CambApi.Fleet;

/// <summary>What Dapper reads (settable, lenient on integer widths across the two providers); <see cref="FleetFile"/> is what callers get.</summary>
internal sealed class FileRow
{
    public string Sha256 { get; set; } = "";
    public string InputPath { get; set; } = "";
    public string FileName { get; set; } = "";
    public string OutDir { get; set; } = "";
    public string OutputName { get; set; } = "";
    public long SizeBytes { get; set; }
    public double? AudioSeconds { get; set; }
    public string State { get; set; } = "";
    public long Attempt { get; set; }
    public string? Owner { get; set; }
    public long? LeaseUntil { get; set; }
    public string? TaskId { get; set; }
    public long? RunId { get; set; }
    public string? Foreground { get; set; }
    public string? Background { get; set; }
    public string? ErrorCode { get; set; }
    public string? LastError { get; set; }
    public long Polls { get; set; }
    public long SubmittedAt { get; set; }
    public long? UploadedAt { get; set; }
    public long? ProcessedAt { get; set; }
    public long? DoneAt { get; set; }
    public long? NextStepAt { get; set; }

    /// <summary>The database's clock when the row was read, where a statement asks for it.</summary>
    public long ReadAt { get; set; }

    public FleetFile ToFile() => new(Sha256, InputPath, FileName, OutDir, OutputName, SizeBytes, AudioSeconds, FleetSql.Parse(State), (int)Attempt, Owner, LeaseUntil,
        TaskId, RunId, Foreground, Background, ErrorCode, LastError, (int)Polls, SubmittedAt, UploadedAt, ProcessedAt, DoneAt, NextStepAt);
}
