using System.Globalization;
using System.Numerics;
using CambApi.Simulator.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CambApi.Simulator;

/// <summary>The four API operations: validation first (as FastAPI does), then task state and the scenario's faults.</summary>
public sealed partial class CambSimulator
{
    private void MapApi(WebApplication app)
    {
        // FastAPI's answers for a path no route has (404) and a route without that method (405).
        app.UseStatusCodePages(context => context.HttpContext.Response.StatusCode switch
        {
            404 => NotFound("Not Found").ExecuteAsync(context.HttpContext),
            405 => FastApiResponses.Detail(405, "Method Not Allowed").ExecuteAsync(context.HttpContext),
            _ => Task.CompletedTask,
        });
        var apis = app.MapGroup("/apis").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Request.Headers[CambApi.Client.ApiKey.HeaderName].ToString() != _options.ApiKey
                ? FastApiResponses.Detail(401, "Invalid or missing API key")
                : _options.Storm?.Invoke() == true
                    ? new RetryAfter(FastApiResponses.Detail(429, "Too many requests"), (int)Math.Ceiling(_options.StormRetryAfter.TotalSeconds))
                    : await next(context).ConfigureAwait(false));

        apis.MapPost("/audio-separation", CreateAsync).DisableAntiforgery();
        apis.MapGet("/audio-separation/{task_id}", (HttpContext context, string task_id) => StatusAsync(context, task_id));
        apis.MapGet("/audio-separation-result/{run_id}", (HttpRequest request, string run_id) => Result(request, run_id));
        apis.MapPost("/audio-separation-results", BatchAsync);
    }

    private async Task<IResult> CreateAsync(HttpRequest request)
    {
        var context = request.HttpContext;
        var form = FormCollection.Empty as IFormCollection;
        if (request.HasFormContentType)
        {
            try
            {
                _options.OnUploadArriving(request.ContentLength);
                if (_options.UploadBytesPerSecond is { } rate)
                {
                    await ReadSlowlyAsync(request, rate).ConfigureAwait(false);
                }

                form = await request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
            {
                return FastApiResponses.Detail(400, "There was an error parsing the body");
            }
        }

        // Not a form at all (JSON, say): Starlette reads an empty form, so media_file is missing.
        List<FastApiError> errors = [.. FastApiValidation.QueryRunId(request), .. FastApiValidation.CreateForm(form)];
        if (errors.Count > 0)
        {
            return FastApiResponses.Validation(errors);
        }

        var file = form.Files.GetFiles("media_file")[^1];
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        TrafficLog.NoteUpload(context, file.FileName, buffer.Length);
        var outcome = _options.Scenario?.Invoke(file.FileName) ?? SimulatedOutcome.Success;
        await Latency(outcome).ConfigureAwait(false);
        if (_uploadsByName.AddOrUpdate(file.FileName, 1, (_, n) => n + 1) <= outcome.UnavailableUploads)
        {
            return new RetryAfter(FastApiResponses.Detail(503, "Service temporarily unavailable"), outcome.RetryAfterSeconds);
        }

        if (_options.MaxInFlight is { } max && _tasks.Values.Count(t => _options.TimeProvider.GetUtcNow() < t.ReadyAt) >= max)
        {
            // The vendor's concurrency limit: refused before any task exists.
            return new RetryAfter(FastApiResponses.Detail(429, "Too many tasks in progress"), outcome.RetryAfterSeconds);
        }

        var id = Guid.NewGuid().ToString();
        var task = new SimTask(file.FileName, buffer.ToArray(), outcome, _options.TimeProvider.GetUtcNow() + (outcome.ProcessingTime ?? _options.ProcessingTime));
        task.Finishing = new Lazy<Task<object>>(() => FinishAsync(task));
        _tasks[id] = task;
        _options.OnUploadAccepted(file.FileName, id, Interlocked.Increment(ref _uploads));
        return Results.Json(Drifted(new() { ["task_id"] = id }, "queue_position", 0));
    }

    /// <summary>Buffers the body at <paramref name="bytesPerSecond"/> (the client's send slows to match), then lets the form be read from it.</summary>
    private async Task ReadSlowlyAsync(HttpRequest request, long bytesPerSecond)
    {
        request.EnableBuffering();
        var chunk = new byte[Math.Clamp(bytesPerSecond / 10, 1, 64 * 1024)];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)read / bytesPerSecond), _options.TimeProvider, request.HttpContext.RequestAborted).ConfigureAwait(false);
        }

        request.Body.Position = 0;
    }

    private async Task<IResult> StatusAsync(HttpContext context, string taskId)
    {
        Interlocked.Increment(ref _statusPolls);
        if (FastApiValidation.QueryRunId(context.Request).ToList() is { Count: > 0 } errors)
        {
            return FastApiResponses.Validation(errors);
        }

        if (!_tasks.TryGetValue(taskId, out var task))
        {
            return NotFound("Task not found");
        }

        await Latency(task.Outcome).ConfigureAwait(false);
        if (await PlayPollFaultAsync(context, task).ConfigureAwait(false))
        {
            return Results.Empty;
        }

        if (Interlocked.Decrement(ref task.BusyPollsLeft) >= 0)
        {
            return new RetryAfter(FastApiResponses.Detail(429, "Too many requests"), task.Outcome.RetryAfterSeconds);
        }

        return _options.TimeProvider.GetUtcNow() < task.ReadyAt
            ? Results.Json(StatusBody("PENDING"))
            : Results.Json(await task.Finishing!.Value.ConfigureAwait(false));
    }

    /// <summary>Plays a reset, stall or truncated answer if the task has one left; true when it did.</summary>
    private static async Task<bool> PlayPollFaultAsync(HttpContext context, SimTask task)
    {
        var partial = """{"status":"PEND"""u8.ToArray();
        var response = context.Response;
        response.ContentType = "application/json";
        if (Interlocked.Decrement(ref task.TruncatedPollsLeft) >= 0)
        {
            // A complete HTTP answer whose JSON stops short: nothing to retry at the transport level.
            response.ContentLength = partial.Length;
            await response.Body.WriteAsync(partial, context.RequestAborted).ConfigureAwait(false);
            return true;
        }

        var reset = Interlocked.Decrement(ref task.ResetPollsLeft) >= 0;
        if (!reset && Interlocked.Decrement(ref task.StallPollsLeft) < 0)
        {
            return false;
        }

        // Headers and half the JSON, then the connection goes (a dropped proxy, a restarting pod) or goes quiet.
        response.ContentLength = 64;
        await response.Body.WriteAsync(partial, context.RequestAborted).ConfigureAwait(false);
        await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        if (!reset)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }

        context.Abort();
        return true;
    }

    private async Task<object> FinishAsync(SimTask task)
    {
        if (task.Outcome.Status != "SUCCESS")
        {
            return StatusBody(task.Outcome.Status, reason: task.Outcome.ExceptionReason, message: task.Outcome.Message);
        }

        PcmWav input;
        try
        {
            input = await MediaDecoder.DecodeAsync(task.FileName, task.Data, _options.UseFfmpeg, CancellationToken.None).ConfigureAwait(false);
        }
        catch (UndecodableMediaException e)
        {
            return StatusBody("ERROR", reason: e.Reason, message: e.Message);
        }

        var (foreground, background) = Separator.Separate(input);
        var runId = Interlocked.Increment(ref _nextRunId);
        _runs[runId] = (foreground.ToBytes(), background.ToBytes());
        return StatusBody("SUCCESS", runId);
    }

    /// <summary>An <c>OrchestratorPipelineResult</c>, nulls included, as FastAPI serializes it (or as a drifted service would).</summary>
    private Dictionary<string, object?> StatusBody(string status, long? runId = null, string? reason = null, string? message = null) =>
        Drifted(new()
        {
            ["status"] = status == "PENDING" && _options.Drift.HasFlag(SimulatedDrift.NewStatus) ? "PROCESSING" : status,
            ["run_id"] = runId,
            ["exception_reason"] = reason,
            ["message"] = message,
        }, "progress", status == "PENDING" ? 0.5 : 1.0);

    /// <summary>The body with a field the spec does not know, when the simulator plays <see cref="SimulatedDrift.ExtraFields"/>.</summary>
    private Dictionary<string, object?> Drifted(Dictionary<string, object?> body, string field, object value)
    {
        if (_options.Drift.HasFlag(SimulatedDrift.ExtraFields))
        {
            body[field] = value;
        }

        return body;
    }

    private IResult NotFound(string detail) =>
        _options.Drift.HasFlag(SimulatedDrift.PlainNotFound) ? Results.Text("404: Not Found", "text/plain", statusCode: 404) : FastApiResponses.Detail(404, detail);

    private Task Latency(SimulatedOutcome outcome) =>
        outcome.AddedLatency > TimeSpan.Zero ? Task.Delay(outcome.AddedLatency, _options.TimeProvider) : Task.CompletedTask;

    private IResult Result(HttpRequest request, string runId)
    {
        // FastAPI takes any integer (Python ints are unbounded): one the service never issued is a 404, not a 422.
        if (!FastApiValidation.TryIntFromString(runId, ["path", "run_id"], out var id, out var error))
        {
            return FastApiResponses.Validation([error!]);
        }

        return Known(id) is { } run ? Results.Json(ResultUrls(run)) : NotFound("Run not found");
    }

    private async Task<IResult> BatchAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
        var body = FastApiValidation.RunIdsPayload(buffer.ToArray(), request.ContentType);
        if (body.Failure is not null)
        {
            return body.Failure;
        }

        // The body is read first (a json_invalid stops there); then FastAPI reports query errors before body errors.
        List<FastApiError> errors = [.. FastApiValidation.QueryRunId(request), .. body.Errors];
        if (errors.Count > 0)
        {
            return FastApiResponses.Validation(errors);
        }

        // Unknown run ids are left out of the answer, as the service does.
        return Results.Json(body.Value!.Select(Known).OfType<long>().Distinct()
            .ToDictionary(id => id.ToString(CultureInfo.InvariantCulture), id => ResultUrls(id)));
    }

    private long? Known(BigInteger id) => id >= long.MinValue && id <= long.MaxValue && _runs.ContainsKey((long)id) ? (long)id : null;

    private sealed class SimTask(string fileName, byte[] data, SimulatedOutcome outcome, DateTimeOffset readyAt)
    {
        public int BusyPollsLeft = outcome.BusyPolls;

        public int ResetPollsLeft = outcome.ResetPolls;

        public int StallPollsLeft = outcome.StallPolls;

        public int TruncatedPollsLeft = outcome.TruncatedPolls;

        public string FileName { get; } = fileName;

        public byte[] Data { get; } = data;

        public SimulatedOutcome Outcome { get; } = outcome;

        public DateTimeOffset ReadyAt { get; } = readyAt;

        /// <summary>Decoding and separating, done once, on the first poll after processing time.</summary>
        public Lazy<Task<object>>? Finishing { get; set; }
    }

    /// <summary>Adds a Retry-After header to another result.</summary>
    private sealed class RetryAfter(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
