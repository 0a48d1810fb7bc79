using System.Text.Json;
using CambApi.Client;
using CambApi.Simulator;
using Spectre.Console;

namespace CambApi.Cli;

/// <summary>Process exit codes (README and <c>camb --help</c>).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadUsage = 2;
    public const int PartialSuccess = 3;

    /// <summary>A task was still running at --timeout; it goes on at the service and can be resumed.</summary>
    public const int TimedOut = 4;
}

/// <summary>How to reach the API: from the recursive options, else the environment.</summary>
internal sealed record Connection(string? ApiKey, string? BaseUrl, TimeSpan? RequestTimeout);

internal sealed record SeparateRequest(string[] Inputs, string Out, bool Simulate, bool Json, TimeSpan? Timeout, int Concurrency, Connection Connection);

/// <param name="PendingTaskId">The task that was still running at --timeout: the service goes on with it.</param>
internal sealed record FileOutcome(string Input, string? Foreground, string? Background, long? RunId, string? Error, bool? SumsToInput, string? PendingTaskId = null);

/// <summary>Progress of one file: upload bytes, processing status, download bytes.</summary>
internal interface IFileProgress
{
    void Uploaded(long bytes, long total);

    void Status(SeparationProgress progress);

    void Downloaded(long bytes);

    void Done(FileOutcome outcome);
}

internal static class Commands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> SeparateAsync(CliConsole console, SeparateRequest request, CancellationToken cancellationToken)
    {
        if (request.Concurrency is < 1 or > 16)
        {
            return Usage(console, "--concurrency must be between 1 and 16.");
        }

        List<string> files;
        try
        {
            files = ExpandInputs(request.Inputs);
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException)
        {
            return Usage(console, e.Message);
        }

        if (CheckWritable(request.Out) is { } problem)
        {
            return Usage(console, problem);
        }

        await using var simulator = request.Simulate ? await CambSimulator.StartAsync(cancellationToken: cancellationToken) : null;
        AudioSeparationClient client;
        try
        {
            client = simulator?.CreateClient(o => Apply(o, request.Timeout, request.Connection.RequestTimeout)) ?? CreateClient(request.Connection, request.Timeout);
        }
        catch (ArgumentException e)
        {
            return Usage(console, e.Message);
        }

        using (client)
        {
            var outcomes = new FileOutcome[files.Count];
            using var gate = new SemaphoreSlim(request.Concurrency);
            async Task RunAll(Func<string, IFileProgress> progressFor) =>
                await Task.WhenAll(files.Select(async (file, i) =>
                {
                    await gate.WaitAsync(cancellationToken);
                    try
                    {
                        var progress = progressFor(file);
                        outcomes[i] = await SeparateOneAsync(client, file, request.Out, progress, cancellationToken);
                        progress.Done(outcomes[i]);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));

            if (console.Interactive && !request.Json)
            {
                await console.Ansi.Progress()
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                    .StartAsync(ctx => RunAll(file => new BarProgress(ctx, Path.GetFileName(file), new FileInfo(file).Length)));
            }
            else
            {
                await RunAll(file => new LineProgress(console.Error, Path.GetFileName(file)));
            }

            Report(console, outcomes, request.Json);
            var failed = outcomes.Count(o => o.Error is not null);
            return failed == 0 ? ExitCodes.Success
                : outcomes.Where(o => o.Error is not null).All(o => o.PendingTaskId is not null) ? ExitCodes.TimedOut
                : failed == outcomes.Length ? ExitCodes.Failure
                : ExitCodes.PartialSuccess;
        }
    }

    private static async Task<FileOutcome> SeparateOneAsync(AudioSeparationClient client, string file, string output, IFileProgress progress, CancellationToken cancellationToken)
    {
        try
        {
            var total = new FileInfo(file).Length;
            var operation = await client.StartSeparationAsync(file, new SeparationStartOptions
            {
                UploadProgress = new InlineProgress<long>(bytes => progress.Uploaded(bytes, total)),
            }, cancellationToken);
            var result = await operation.WaitForCompletionAsync(new InlineProgress<SeparationProgress>(progress.Status), cancellationToken);
            var files = await client.DownloadAsync(result, output, Path.GetFileNameWithoutExtension(file), new InlineProgress<long>(progress.Downloaded), cancellationToken);
            return new FileOutcome(file, files.ForegroundPath, files.BackgroundPath, result.RunId, null, SumsToInput(file, files));
        }
        catch (SeparationTimeoutException e)
        {
            return new FileOutcome(file, null, null, null, Describe(e), null, e.TaskId);
        }
        catch (Exception e) when (e is CambApiException or SeparationFailedException or SeparationDownloadException or CambRequestTimeoutException or ArgumentException or IOException)
        {
            return new FileOutcome(file, null, null, null, Describe(e), null);
        }
    }

    /// <summary>One line a user can act on; never a URL query, header or key.</summary>
    private static string Describe(Exception e) => e switch
    {
        CambApiException<HTTPValidationError> v => $"the service rejected the request (422): {string.Join("; ", (v.Result.Detail ?? []).Select(d => $"{string.Join('.', d.Loc)}: {d.Msg}"))}",
        CambApiException { StatusCode: 401 or 403 } api => $"the service refused the API key (HTTP {api.StatusCode})",
        CambApiException api => $"the service answered HTTP {api.StatusCode}",
        SeparationTimeoutException t => $"still {t.LastStatus} after {t.Waited.TotalSeconds:0} s (--timeout); the task goes on at the service — check it with: camb status {t.TaskId}",
        CambRequestTimeoutException r => $"the service did not answer within {r.AttemptTimeout.TotalSeconds:0.#} s; try again later, or allow longer with --request-timeout",
        _ => e.Message.Split(" (Parameter", 2)[0],
    };

    /// <summary>For WAV, checks the vendor's promise: foreground + background == input, sample for sample.</summary>
    private static bool? SumsToInput(string input, SeparatedFiles files)
    {
        if (!input.EndsWith(".wav", StringComparison.OrdinalIgnoreCase) || !files.ForegroundPath.EndsWith(".wav", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var original = PcmWav.Read(File.ReadAllBytes(input)).Samples;
            var fg = PcmWav.Read(File.ReadAllBytes(files.ForegroundPath)).Samples;
            var bg = PcmWav.Read(File.ReadAllBytes(files.BackgroundPath)).Samples;
            return fg.Length == original.Length && bg.Length == original.Length && !original.Where((s, i) => fg[i] + bg[i] != s).Any();
        }
        catch (InvalidDataException)
        {
            return null; // not integer PCM (the real service may encode differently): nothing to compare
        }
    }

    private static void Report(CliConsole console, FileOutcome[] outcomes, bool json)
    {
        if (json)
        {
            console.Out.WriteLine(JsonSerializer.Serialize(outcomes.Select(o => new
            {
                input = o.Input, ok = o.Error is null, foreground = o.Foreground, background = o.Background, run_id = o.RunId, sums_to_input = o.SumsToInput, error = o.Error,
            }), Indented));
            return;
        }

        // Plain lines, never inside the table (which may wrap): the task id is what the user needs to resume.
        foreach (var o in outcomes.Where(o => o.PendingTaskId is not null))
        {
            console.Error.WriteLine($"camb: {Path.GetFileName(o.Input)}: timed out waiting for task {o.PendingTaskId}; it goes on at the service — check it with: camb status {o.PendingTaskId}");
        }

        foreach (var o in outcomes.Where(o => o.Error is null))
        {
            console.Out.WriteLine($"{Path.GetFileName(o.Input)} -> run {o.RunId}");
            console.Out.WriteLine($"  foreground: {o.Foreground}");
            console.Out.WriteLine($"  background: {o.Background}");
            if (o.SumsToInput is { } sums)
            {
                console.Out.WriteLine(sums ? "  check: foreground + background == input, sample for sample" : "  check: FAILED, foreground + background != input");
            }
        }

        var table = new Table().AddColumns("input", "result", "foreground", "background");
        foreach (var o in outcomes)
        {
            table.AddRow(Markup.Escape(Path.GetFileName(o.Input)), o.Error is null ? "[green]ok[/]" : $"[red]{Markup.Escape(o.Error)}[/]",
                Markup.Escape(o.Foreground is null ? "-" : Path.GetFileName(o.Foreground)), Markup.Escape(o.Background is null ? "-" : Path.GetFileName(o.Background)));
        }

        console.Ansi.Write(table);
    }

    public static async Task<int> StatusAsync(CliConsole console, string taskId, Connection connection, bool json, CancellationToken cancellationToken)
    {
        try
        {
            using var client = CreateClient(connection, null);
            var operation = client.ResumeSeparation(taskId);
            await operation.UpdateStatusAsync(cancellationToken);
            await console.Out.WriteLineAsync(json
                ? JsonSerializer.Serialize(new { task_id = taskId, status = operation.Status.Value, run_id = operation.RunId, exception_reason = operation.ExceptionReason, message = operation.ServiceMessage })
                : $"{taskId}: {operation.Status}{(operation.RunId is { } r ? $" (run {r})" : "")}{(operation.ExceptionReason is { } e ? $" [{e}]" : "")}");
            return ExitCodes.Success;
        }
        catch (ArgumentException e)
        {
            return Usage(console, e.Message);
        }
        catch (Exception e) when (e is CambApiException or CambRequestTimeoutException)
        {
            return Fail(console, Describe(e));
        }
    }

    public static async Task<int> ResultsAsync(CliConsole console, long[] runIds, Connection connection, bool json, CancellationToken cancellationToken)
    {
        try
        {
            using var client = CreateClient(connection, null);
            var results = runIds.Length == 1
                ? new Dictionary<long, SeparationResult> { [runIds[0]] = await client.GetResultAsync(runIds[0], cancellationToken) }
                : await client.GetResultsAsync(runIds, cancellationToken);
            foreach (var (id, r) in results)
            {
                // Signatures stay off the terminal: a presigned URL's query is a credential.
                await console.Out.WriteLineAsync(json
                    ? JsonSerializer.Serialize(new { run_id = id, foreground = r.ForegroundUrl.GetLeftPart(UriPartial.Path), background = r.BackgroundUrl.GetLeftPart(UriPartial.Path) })
                    : r.ToString());
            }

            var missing = runIds.Distinct().Where(id => !results.ContainsKey(id)).ToList();
            foreach (var id in missing)
            {
                await console.Error.WriteLineAsync($"camb: no result for run {id}");
            }

            return missing.Count == 0 ? ExitCodes.Success : results.Count == 0 ? ExitCodes.Failure : ExitCodes.PartialSuccess;
        }
        catch (ArgumentException e)
        {
            return Usage(console, e.Message);
        }
        catch (Exception e) when (e is CambApiException or CambRequestTimeoutException)
        {
            return Fail(console, Describe(e));
        }
    }

    private static AudioSeparationClient CreateClient(Connection connection, TimeSpan? timeout)
    {
        var options = new AudioSeparationClientOptions { ApiKey = connection.ApiKey };
        var url = connection.BaseUrl ?? Environment.GetEnvironmentVariable("CAMB_BASE_URL");
        if (url is not null)
        {
            options.Endpoint = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"'{url}' is not an absolute URL.");
        }

        Apply(options, timeout, connection.RequestTimeout);
        return new AudioSeparationClient(options);
    }

    /// <summary>--timeout bounds the whole wait (MaxWait); --request-timeout each HTTP attempt.</summary>
    private static void Apply(AudioSeparationClientOptions options, TimeSpan? timeout, TimeSpan? requestTimeout)
    {
        options.MaxWait = timeout ?? options.MaxWait;
        options.AttemptTimeout = requestTimeout ?? options.AttemptTimeout;
    }

    internal static List<string> ExpandInputs(IEnumerable<string> inputs)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                files.AddRange(Directory.EnumerateFiles(input).Where(f => MediaInput.SupportedFormats.ContainsKey(Path.GetExtension(f))).Order(StringComparer.Ordinal));
            }
            else if (input.StartsWith('-') && !File.Exists(input))
            {
                // The inputs argument takes any token; a misspelt option is not a missing audio file.
                throw new ArgumentException($"unknown option '{input.Split('=', ':')[0]}' (see camb separate --help).");
            }
            else
            {
                files.Add(MediaInput.ValidateFile(input, nameof(inputs)));
            }
        }

        return files.Count > 0 ? files : throw new ArgumentException("no supported audio files (WAV, MP3, FLAC, AAC) in the inputs.");
    }

    /// <summary>Creates the folder and proves a file can be written there, before anything is uploaded.</summary>
    private static string? CheckWritable(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".camb-write-test-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return $"the output folder '{folder}' is not writable: {e.Message}";
        }
    }

    private static int Usage(CliConsole console, string message)
    {
        console.Error.WriteLine($"camb: {message.Split(" (Parameter", 2)[0]}");
        return ExitCodes.BadUsage;
    }

    private static int Fail(CliConsole console, string message)
    {
        console.Error.WriteLine($"camb: {message}");
        return ExitCodes.Failure;
    }

    /// <summary>Reports on the caller's thread: Progress&lt;T&gt; would post to the pool and reorder lines.</summary>
    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    /// <summary>Plain lines for logs and pipes: one per phase and per status change.</summary>
    private sealed class LineProgress(TextWriter error, string name) : IFileProgress
    {
        private bool _uploadReported;

        public void Uploaded(long bytes, long total)
        {
            if (bytes >= total && !_uploadReported)
            {
                _uploadReported = true;
                Write($"uploaded {total} bytes");
            }
        }

        public void Status(SeparationProgress progress)
        {
            if (progress.Changed)
            {
                Write($"{progress.Status} after {progress.Elapsed.TotalSeconds:0.0} s");
            }
        }

        public void Downloaded(long bytes)
        {
        }

        public void Done(FileOutcome outcome) => Write(outcome.Error is null ? "downloaded both tracks" : $"failed: {outcome.Error}");

        private void Write(string text)
        {
            lock (error)
            {
                error.WriteLine($"{name}: {text}");
            }
        }
    }

    /// <summary>Three bars per file on a terminal: upload (bytes), processing (status), download (bytes).</summary>
    private sealed class BarProgress : IFileProgress
    {
        private readonly string _name;
        private readonly ProgressTask _upload;
        private readonly ProgressTask _processing;
        private readonly ProgressTask _download;

        public BarProgress(ProgressContext context, string name, long size)
        {
            _name = Markup.Escape(name);
            _upload = context.AddTask($"{_name} upload", maxValue: Math.Max(size, 1));
            _processing = context.AddTask($"{_name} processing", autoStart: false);
            _processing.IsIndeterminate = true;
            _download = context.AddTask($"{_name} download", autoStart: false);
            _download.IsIndeterminate = true;
        }

        public void Uploaded(long bytes, long total) => _upload.Value = bytes;

        public void Status(SeparationProgress progress)
        {
            _upload.Value = _upload.MaxValue;
            _processing.StartTask();
            _processing.Description = $"{_name} {Markup.Escape(progress.Status.Value)}";
            if (progress.NextPollIn is null)
            {
                _processing.IsIndeterminate = false;
                _processing.Value = _processing.MaxValue;
                _download.StartTask();
            }
        }

        public void Downloaded(long bytes) => _download.Description = $"{_name} download {bytes / 1024.0:0} KiB";

        public void Done(FileOutcome outcome)
        {
            foreach (var task in new[] { _upload, _processing, _download })
            {
                task.IsIndeterminate = false;
                task.Value = task.MaxValue;
                task.StopTask();
            }

            if (outcome.Error is not null)
            {
                _processing.Description = $"{_name} [red]failed[/]";
            }
        }
    }
}
