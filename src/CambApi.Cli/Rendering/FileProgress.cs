using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CambApi.Cli.Rendering;

/// <summary>
/// Progress of one file through its steps: upload bytes, processing status, download bytes, the end. The library reports
/// the three steps through one type; this base turns each report into the step a view draws.
/// </summary>
internal abstract class FileProgress : IProgress<SeparateFileProgress>
{
    public void Report(SeparateFileProgress value)
    {
        switch (value.Step)
        {
            case SeparationStep.Uploading:
                Uploading(value.Transfer!.Value.Bytes, value.Transfer.Value.TotalBytes ?? 0);
                break;
            case SeparationStep.Processing:
                Processing(value.Status!);
                break;
            case SeparationStep.Downloading:
                Downloading(value.Transfer!.Value);
                break;
        }
    }

    /// <summary>A step an earlier run already did is skipped: "task abc" is polled again, "run 123" only downloaded.</summary>
    public abstract void Resuming(string what);

    public abstract void Done(FileOutcome outcome);

    protected abstract void Uploading(long bytes, long total);

    protected abstract void Processing(SeparationProgress value);

    protected abstract void Downloading(TransferProgress value);
}

/// <summary>Sizes and speeds as people read them.</summary>
internal static class Units
{
    public static string Bytes(double bytes) => bytes switch
    {
        < 1024 => $"{bytes:0} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024:0.#} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024):0.#} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024 * 1024):0.##} GiB"),
    };

    public static string Seconds(TimeSpan time) => string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.0} s");

    public static string Speed(double bytes, TimeSpan time) => time > TimeSpan.Zero ? Bytes(bytes / time.TotalSeconds) + "/s" : "-";
}

/// <summary>
/// For logs and pipes: one plain line per event (never a bar, never a wrapped table), each starting with the file's name.
/// </summary>
internal sealed class LineProgress(TextWriter error, string name) : FileProgress
{
    private readonly Stopwatch _upload = new();
    private readonly Stopwatch _download = new();
    private bool _uploadDone;
    private bool _downloadStarted;
    private long _downloaded;

    protected override void Uploading(long bytes, long total)
    {
        if (!_upload.IsRunning && !_uploadDone)
        {
            _upload.Start();
            Write($"uploading {Units.Bytes(total)}");
        }

        if (bytes >= total && !_uploadDone)
        {
            _uploadDone = true;
            Write($"uploaded {Units.Bytes(total)} in {Units.Seconds(_upload.Elapsed)} ({Units.Speed(total, _upload.Elapsed)})");
        }
    }

    public override void Resuming(string what) => Write($"resuming {what} from an earlier run (no new upload)");

    protected override void Processing(SeparationProgress value)
    {
        if (value.Changed)
        {
            Write($"{value.Status} after {Units.Seconds(value.Elapsed)} (task {value.TaskId})");
        }
    }

    protected override void Downloading(TransferProgress value)
    {
        _downloaded = value.Bytes;
        if (!_downloadStarted && value.TotalBytes is { } total)
        {
            _downloadStarted = true;
            _download.Start();
            Write($"downloading 2 tracks, {Units.Bytes(total)}");
        }
    }

    /// <summary>Successes only: a failure gets its one line from the report at the end, not two.</summary>
    public override void Done(FileOutcome outcome)
    {
        if (outcome.Outcome == Outcome.Ok)
        {
            Write($"downloaded both tracks, {Units.Bytes(_downloaded)} in {Units.Seconds(_download.Elapsed)} ({Units.Speed(_downloaded, _download.Elapsed)})");
        }
        else if (outcome.Outcome == Outcome.Skipped)
        {
            Write("already done (the journal and the files agree); skipped");
        }
    }

    private void Write(string text)
    {
        lock (error)
        {
            error.WriteLine($"{name}: {text}");
        }
    }
}

/// <summary>
/// On a terminal: three rows per file — upload (bytes, speed, time left), processing (status, elapsed), download (bytes,
/// speed, time left) — built from Spectre's own columns; a failed file ends red with its reason.
/// </summary>
internal sealed class BarProgress : FileProgress
{
    private readonly string _name;
    private readonly ProgressTask _upload;
    private readonly ProgressTask _processing;
    private readonly ProgressTask _download;

    public BarProgress(ProgressContext context, ISet<int> byteRows, string name, long size)
    {
        _name = Markup.Escape(name);
        _upload = context.AddTask($"{_name} upload", maxValue: Math.Max(size, 1));
        _processing = context.AddTask($"{_name} waiting", autoStart: false, maxValue: 1);
        _download = context.AddTask($"{_name} download", autoStart: false);
        lock (byteRows)
        {
            byteRows.Add(_upload.Id);
            byteRows.Add(_download.Id);
        }
    }

    /// <summary>The columns: byte counts, speed and time left only on the byte rows.</summary>
    public static ProgressColumn[] Columns(ISet<int> byteRows) =>
    [
        new TaskDescriptionColumn { Alignment = Justify.Left },
        new ProgressBarColumn(),
        new PercentageColumn(),
        new OnlyOn(new DownloadedColumn(), byteRows),
        new OnlyOn(new TransferSpeedColumn(), byteRows),
        new OnlyOn(new RemainingTimeColumn(), byteRows),
        new ElapsedTimeColumn(),
        new SpinnerColumn(),
    ];

    protected override void Uploading(long bytes, long total)
    {
        _upload.MaxValue = Math.Max(total, 1);
        _upload.Value = bytes;
    }

    public override void Resuming(string what)
    {
        _upload.Description = $"{_name} [grey]{Markup.Escape(what)}, no new upload[/]";
        _upload.Value = _upload.MaxValue;
        _upload.StopTask();
    }

    protected override void Processing(SeparationProgress value)
    {
        if (!_upload.IsFinished)
        {
            _upload.Value = _upload.MaxValue;
            _upload.StopTask();
        }

        _processing.StartTask();
        _processing.IsIndeterminate = value.NextPollIn is not null;
        _processing.Description = $"{_name} {Markup.Escape(value.Status.Value)} {Units.Seconds(value.Elapsed)}";
        if (value.NextPollIn is null)
        {
            _processing.Value = _processing.MaxValue;
            _processing.StopTask();
        }
    }

    protected override void Downloading(TransferProgress value)
    {
        if (!_download.IsStarted)
        {
            _download.StartTask();
        }

        _download.MaxValue = Math.Max(value.TotalBytes ?? value.Bytes, 1);
        _download.Value = value.Bytes;
    }

    public override void Done(FileOutcome outcome)
    {
        foreach (var task in new[] { _upload, _processing, _download })
        {
            task.IsIndeterminate = false;
            if (outcome.Outcome is Outcome.Ok or Outcome.Skipped)
            {
                task.Value = task.MaxValue;
            }

            task.StopTask();
        }

        if (outcome.Error is { } error)
        {
            _download.Description = $"{_name} [red]{outcome.Outcome.ToString().ToLowerInvariant()}: {Markup.Escape(error.Message)}[/]";
        }
        else if (outcome.Outcome == Outcome.Skipped)
        {
            _download.Description = $"{_name} [grey]already done[/]";
        }
    }

    /// <summary>A column shown only on some rows (bytes make no sense on the processing row).</summary>
    private sealed class OnlyOn(ProgressColumn inner, ISet<int> rows) : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            bool shown;
            lock (rows)
            {
                shown = rows.Contains(task.Id);
            }

            return shown ? inner.Render(options, task, deltaTime) : Text.Empty;
        }

        public override int? GetColumnWidth(RenderOptions options) => inner.GetColumnWidth(options);
    }
}
