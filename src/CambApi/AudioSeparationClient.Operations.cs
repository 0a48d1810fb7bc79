using System.Diagnostics;
using System.Globalization;
using CambApi.Http;
using Microsoft.Extensions.Logging;

namespace CambApi;

// The REST calls this layer wraps, each with its span, duration metric and the ids its failures carry: start (upload),
// resume, one result, many results.
public partial class AudioSeparationClient
{
    /// <summary>Uploads <paramref name="inputPath"/> and starts a separation task.</summary>
    /// <exception cref="ArgumentException">Missing, empty, a directory or an unsupported format; nothing is sent.</exception>
    public virtual Task<SeparationOperation> StartSeparationAsync(string inputPath, SeparationStartOptions? options = null, CancellationToken cancellationToken = default) =>
        StartFileAsync(MediaInput.Validate(inputPath), options?.UploadProgress, options, cancellationToken);

    /// <summary>Uploads an input validated once by the caller (this method or <see cref="SeparateFileAsync(string, string, SeparateFileOptions?, CancellationToken)"/>).</summary>
    private async Task<SeparationOperation> StartFileAsync(ValidatedInput input, IProgress<long>? uploadProgress, SeparationStartOptions? options,
        CancellationToken cancellationToken)
    {
        // Unbuffered and read synchronously (see ProgressStream): the upload's copy loop brings its own pooled buffer.
        var file = new FileStream(input.Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
        {
            return await StartCoreAsync(new ProgressStream(file, uploadProgress, readSynchronously: true), input.FileName, input.ContentType, options, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Uploads <paramref name="content"/> (streamed, never buffered whole) as <paramref name="fileName"/>.
    /// A seekable stream is re-sent from its start if the upload must be retried; a forward-only one is sent once.
    /// </summary>
    public virtual Task<SeparationOperation> StartSeparationAsync(Stream content, string fileName, SeparationStartOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", nameof(content));
        }

        var contentType = MediaInput.ContentTypeFor(fileName ?? throw new ArgumentNullException(nameof(fileName)), nameof(fileName));
        var upload = options?.UploadProgress is { } progress ? new ProgressStream(content, progress, readSynchronously: false) : content;
        return StartCoreAsync(upload, Path.GetFileName(fileName), contentType, options, cancellationToken);
    }

    private async Task<SeparationOperation> StartCoreAsync(Stream upload, string fileName, string contentType, SeparationStartOptions? options, CancellationToken cancellationToken)
    {
        var replayable = upload.CanSeek;
        using var activity = CambApiTelemetry.Start("camb.upload");
        var started = Stopwatch.GetTimestamp();
        var traceparent = CurrentTraceparent(); // our span's, when someone listens: the vendor's trace joins it

        using var scope = replayable ? null : CambApiRestClient.CustomizeRequests(r => r.Options.Set(CambResilience.NotReplayable, true));
        OrchestratorPipelineCallResult created;
        try
        {
            created = await Rest.CreateAudioSeparationAsync(
                runId: null,
                traceparent: traceparent,
                media_file: new FileParameter(upload, fileName, contentType),
                project_name: options?.ProjectName,
                project_description: options?.ProjectDescription,
                folder_id: options?.FolderId,
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (CambException e) when (e.Annotate(traceparent: traceparent))
        {
            throw; // unreachable: Annotate only records the trace and returns false
        }
        catch (Exception e) when (Failed(activity, "create", started, e))
        {
            throw; // unreachable: Failed records the failure and returns false
        }

        SpecDrift.Promises(Logger, "create", created); // a task id left out is named as drift before the error below
        if (string.IsNullOrWhiteSpace(created.TaskId))
        {
            var error = new CambApiException("The service accepted the upload but returned no task id.", 200, null, EmptyHeaders, null);
            Failed(activity, "create", started, error);
            throw error;
        }

        if (created.HasAdditionalProperties)
        {
            SpecDrift.Fields(Logger, "create", created.AdditionalProperties.Keys);
        }

        CambApiTelemetry.RecordOperation("create", started, error: null);
        var sent = replayable ? upload.Length : 0;
        CambApiTelemetry.RecordTransfer("upload", sent);
        activity?.SetTag("camb.task_id", created.TaskId);
        activity?.SetTag("camb.bytes", sent);

        LogStarted(Logger, created.TaskId, fileName);
        return new SeparationOperation(this, created.TaskId);
    }

    /// <summary>An operation for a task started earlier (its stored <paramref name="taskId"/>); nothing is sent yet.</summary>
    public virtual SeparationOperation ResumeSeparation(string taskId)
    {
        MediaInput.ValidateTaskId(taskId);
        return new SeparationOperation(this, taskId);
    }

    /// <summary>The download URLs of a finished run.</summary>
    public virtual async Task<SeparationResult> GetResultAsync(long runId, CancellationToken cancellationToken = default)
    {
        MediaInput.ValidateRunId(runId);
        using var activity = CambApiTelemetry.Start("camb.result", runId: runId);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await Rest.GetAudioSeparationRunInfoAsync(runId, cancellationToken: cancellationToken).ConfigureAwait(false);
            var result = ToResult(runId, response, "result");
            CambApiTelemetry.RecordOperation("result", started, error: null);
            return result;
        }
        catch (CambException e) when (e.Annotate(runId: runId))
        {
            throw; // unreachable: Annotate only records the run and returns false
        }
        catch (Exception e) when (Failed(activity, "result", started, e))
        {
            throw; // unreachable: Failed records the failure and returns false
        }
    }

    /// <summary>The download URLs of several runs in one request, keyed by run id.</summary>
    public virtual async Task<IReadOnlyDictionary<long, SeparationResult>> GetResultsAsync(IEnumerable<long> runIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runIds);
        var ids = runIds.Distinct().ToList();
        if (ids.Count == 0)
        {
            throw new ArgumentException("At least one run id is required.", nameof(runIds));
        }

        foreach (var id in ids)
        {
            MediaInput.ValidateRunId(id, nameof(runIds));
        }

        using var scope = CambApiRestClient.CustomizeRequests(r => r.Options.Set(CambResilience.Idempotent, true));
        using var activity = CambApiTelemetry.Start("camb.results");
        activity?.SetTag("camb.run_count", ids.Count);
        var started = Stopwatch.GetTimestamp();
        IDictionary<string, AudioSeparationRunInfoResponse> response;
        try
        {
            // Every argument by name: NSwag orders required parameters first, so a body the vendor makes optional moves.
            response = await Rest.GetAudioSeparationRunsResultsAsync(
                body: new RunIDsRequestPayload { RunIds = ids }, traceparent: CurrentTraceparent(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Failed(activity, "results", started, e))
        {
            throw; // unreachable: Failed records the failure and returns false
        }

        CambApiTelemetry.RecordOperation("results", started, error: null);
        SpecDrift.Promises(Logger, "results", response);
        var results = new Dictionary<long, SeparationResult>();
        foreach (var (key, value) in response)
        {
            if (!long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var runId))
            {
                throw new CambApiException($"The batch result has a key '{key}' that is not a run id.", 200, null, EmptyHeaders, null);
            }

            results[runId] = ToResult(runId, value, "results");
        }

        return results;
    }

    /// <summary>Records a failed call on its span and in the duration metric; false, so it can sit in an exception filter.</summary>
    internal static bool Failed(Activity? activity, string operation, long started, Exception error)
    {
        CambApiTelemetry.Fail(activity, error);
        CambApiTelemetry.RecordOperation(operation, started, error);
        return false;
    }

    private static readonly IReadOnlyDictionary<string, IEnumerable<string>> EmptyHeaders = new Dictionary<string, IEnumerable<string>>();

    /// <summary>The W3C trace context of the caller's activity, so the vendor's traces join the caller's.</summary>
    private static string? CurrentTraceparent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;

    /// <summary>
    /// The result, after noting fields the spec does not know and promises the answer broke (a renamed or missing URL field
    /// then explains the error that follows).
    /// </summary>
    private SeparationResult ToResult(long runId, AudioSeparationRunInfoResponse response, string operation)
    {
        SpecDrift.Promises(Logger, operation, response);
        if (response.HasAdditionalProperties)
        {
            SpecDrift.Fields(Logger, operation, response.AdditionalProperties.Keys);
        }

        return new(runId, RequireUrl(runId, "foreground_audio_url", response.ForegroundAudioUrl), RequireUrl(runId, "background_audio_url", response.BackgroundAudioUrl));
    }

    private static Uri RequireUrl(long runId, string field, string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
            ? uri
            : throw new CambApiException($"The result of run {runId} has no valid {field}.", 200, null, EmptyHeaders, null);

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Started separation task {TaskId} for {FileName}")]
    private static partial void LogStarted(ILogger logger, string taskId, string fileName);
}
