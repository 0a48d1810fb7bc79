using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CambApi.Cli.Check;

namespace CambApi.Cli.Commands;

/// <summary>
/// <c>camb check</c>: the whole flow once against the configured service — create with a tiny generated WAV, status until
/// it ends, result, batch results, both downloads, and an unknown task's error — with every answer held to the spec this
/// camb was built from. Raw HTTP on purpose: the library tolerates drift (that is its job); this command must see it.
/// Exit: 0 the service matches (CHANGED lines may still be printed), 3 a change that breaks callers, 1 could not run.
/// </summary>
internal static class CheckCommand
{
    private const string Create = "POST /audio-separation";
    private const string Status = "GET /audio-separation/{task_id}";
    private const string Result = "GET /audio-separation-result/{run_id}";
    private const string Results = "POST /audio-separation-results";
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(2); // the vendor recommends 2–5 s

    public static async Task<int> RunAsync(CliConsole console, Connection connection, bool simulate, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var options = new AudioSeparationClientOptions();
        await using var simulator = simulate ? await EmbeddedSimulator.StartAsync(cancellationToken) : null;
        string key;
        try
        {
            if (simulator is not null)
            {
                simulator.Configure(options);
            }
            else
            {
                connection.Configure(options, timeout, configure: null);
            }

            if (options.Validate() is { Count: > 0 } problems)
            {
                return SeparateCommand.Usage(console, problems[0]);
            }

            key = options.ResolveApiKey()!;
        }
        catch (ArgumentException e)
        {
            return SeparateCommand.Usage(console, e.Message);
        }

        var api = new Uri(options.Endpoint.ToString().TrimEnd('/') + "/");
        await console.Error.WriteLineAsync($"camb check: one separation on {api.GetLeftPart(UriPartial.Authority)} — it costs one separation; every answer is held to the spec this camb was built from");
        var check = new AnswerCheck(SpecSchemas.Embedded());
        var findings = new List<DriftFinding>();
        using var http = new HttpClient { BaseAddress = api, Timeout = options.AttemptTimeout };
        using var storage = new HttpClient { Timeout = options.AttemptTimeout }; // never the key: the URLs are the storage host's
        try
        {
            var created = await CallAsync(http, key, HttpMethod.Post, "audio-separation", TinyWav(), Create, "post", "/audio-separation", check, findings, cancellationToken);
            if (created?["task_id"]?.GetValue<string>() is not { Length: > 0 } taskId)
            {
                return await EndAsync(console, findings, "the upload's answer has no task_id, so the flow cannot go on");
            }

            await console.Error.WriteLineAsync($"create: task {taskId}");
            var started = Stopwatch.GetTimestamp();
            var deadline = timeout ?? TimeSpan.FromMinutes(10);
            JsonNode? status;
            var seen = new List<string>();
            while (true)
            {
                status = await CallAsync(http, key, HttpMethod.Get, $"audio-separation/{Uri.EscapeDataString(taskId)}", null, Status, "get", "/audio-separation/{task_id}", check, findings, cancellationToken);
                var value = status?["status"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "(none)";
                if (seen.Count == 0 || seen[^1] != value)
                {
                    seen.Add(value);
                }

                if (status is null || (value.Length > 0 && new CambApi.Client.SeparationStatus(value).IsTerminal)) // the library's one rule of what is final
                {
                    break;
                }

                if (Stopwatch.GetElapsedTime(started) > deadline)
                {
                    return await EndAsync(console, findings, $"task {taskId} was still {value} after {deadline.TotalMinutes:0.#} min (it goes on at the service)");
                }

                await Task.Delay(PollEvery, cancellationToken);
            }

            await console.Error.WriteLineAsync($"status: {string.Join(" → ", seen)} after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
            if (status?["run_id"] is not JsonValue runValue || !runValue.TryGetValue<long>(out var runId) || seen[^1] != "SUCCESS")
            {
                return await EndAsync(console, findings, $"task {taskId} ended {seen[^1]} without a run id, so result and downloads were not checked");
            }

            var result = await CallAsync(http, key, HttpMethod.Get, $"audio-separation-result/{runId}", null, Result, "get", "/audio-separation-result/{run_id}", check, findings, cancellationToken);
            await console.Error.WriteLineAsync($"result: run {runId}");
            var batchBody = new StringContent($$"""{"run_ids":[{{runId}}]}""", Encoding.UTF8, "application/json");
            await CallAsync(http, key, HttpMethod.Post, "audio-separation-results", batchBody, Results, "post", "/audio-separation-results", check, findings, cancellationToken);
            await console.Error.WriteLineAsync("results: one run");
            foreach (var track in new[] { "foreground", "background" })
            {
                var field = $"{track}_audio_url";
                if (result?[field] is JsonValue url && url.TryGetValue<string>(out var address) && Uri.TryCreate(address, UriKind.Absolute, out var uri))
                {
                    using var download = await storage.GetAsync(uri, cancellationToken);
                    var bytes = await download.Content.ReadAsByteArrayAsync(cancellationToken);
                    if (!download.IsSuccessStatusCode || bytes.Length == 0)
                    {
                        return await EndAsync(console, findings, $"the {track} track could not be downloaded (HTTP {(int)download.StatusCode})");
                    }

                    await console.Error.WriteLineAsync($"download: {track} {bytes.Length / 1024.0:0.0} KiB");
                }
                else
                {
                    await console.Error.WriteLineAsync($"download: {track} not tried (the result has no {field})");
                }
            }

            await CheckErrorShapeAsync(http, key, findings, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            return await EndAsync(console, findings, $"could not reach {api.GetLeftPart(UriPartial.Authority)} ({e.HttpRequestError}): check --base-url and your network");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return await EndAsync(console, findings, $"{api.GetLeftPart(UriPartial.Authority)} did not answer within {options.AttemptTimeout.TotalSeconds:0} s");
        }
        catch (CouldNotRunException e)
        {
            return await EndAsync(console, findings, e.Message);
        }
        catch (OperationCanceledException)
        {
            await console.Error.WriteLineAsync("camb check: interrupted; the task (if created) goes on at the service");
            return ExitCodes.Interrupted;
        }

        return await EndAsync(console, findings, couldNotRun: null);
    }

    /// <summary>One API call; its answer checked and returned, or the run stopped when the service refused it outright.</summary>
    private static async Task<JsonNode?> CallAsync(HttpClient http, string key, HttpMethod method, string relative, HttpContent? content,
        string operation, string specMethod, string specPath, AnswerCheck check, List<DriftFinding> findings, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, relative) { Content = content };
        request.Headers.Add(CambApi.Client.ApiKey.HeaderName, key);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var status = (int)response.StatusCode;
        if (status is 401 or 403)
        {
            throw new CouldNotRunException($"the service refused the key (HTTP {status}): check --api-key or CAMB_API_KEY");
        }

        if (status != 200)
        {
            if (status is not (422 or 429 or >= 500))
            {
                findings.Add(new(true, operation, $"answered HTTP {status}, which openapi/ does not document for this call"));
            }

            throw new CouldNotRunException($"{operation} answered HTTP {status}{(status is 429 or >= 500 ? " (try again later)" : "")}");
        }

        findings.AddRange(check.Check(operation, specMethod, specPath, response.Content.Headers.ContentType?.MediaType, body).Except(findings));
        try
        {
            return JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>FastAPI answers errors with {"detail": …}; the client's messages carry that detail. Asked with a task no one created.</summary>
    private static async Task CheckErrorShapeAsync(HttpClient http, string key, List<DriftFinding> findings, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "audio-separation/camb-check-no-such-task");
        request.Headers.Add(CambApi.Client.ApiKey.HeaderName, key);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var type = response.Content.Headers.ContentType?.MediaType;
        JsonNode? parsed = null;
        try
        {
            parsed = type == "application/json" ? JsonNode.Parse(body) : null;
        }
        catch (System.Text.Json.JsonException)
        {
        }

        if (parsed?["detail"] is null)
        {
            findings.Add(new(false, $"{Status} (a task that does not exist)",
                $"error answer {(int)response.StatusCode} is {type ?? "untyped"}, not FastAPI's {{\"detail\": …}} (the client's messages lose the service's reason)"));
        }
    }

    private static async Task<int> EndAsync(CliConsole console, List<DriftFinding> findings, string? couldNotRun)
    {
        foreach (var finding in findings)
        {
            await console.Out.WriteLineAsync(finding.ToString());
        }

        var breaking = findings.Count(f => f.Breaking);
        var changed = findings.Count - breaking;
        if (couldNotRun is not null)
        {
            await console.Error.WriteLineAsync($"camb check: could not finish: {couldNotRun}" +
                                               (findings.Count > 0 ? $"; before that: {breaking} breaking, {changed} changed" : ""));
            return breaking > 0 ? ExitCodes.PartialSuccess : ExitCodes.Failure;
        }

        await console.Error.WriteLineAsync(findings.Count == 0
            ? "camb check: every answer matches openapi/"
            : $"camb check: {breaking} breaking, {changed} changed — the service differs from openapi/: run build/update-spec.sh --fetch, and tell the vendor if its docs do not say so");
        return breaking > 0 ? ExitCodes.PartialSuccess : ExitCodes.Success;
    }

    /// <summary>A quarter second of a 440 Hz tone, 16 kHz mono PCM: the smallest honest input (written here: 20 lines, no codec needed).</summary>
    private static MultipartFormDataContent TinyWav()
    {
        const int rate = 16_000, samples = rate / 4;
        var wav = new byte[44 + (samples * 2)];
        "RIFF"u8.CopyTo(wav);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(4), wav.Length - 8);
        "WAVEfmt "u8.CopyTo(wav.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(20), 1); // PCM
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(22), 1); // mono
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(28), rate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(32), 2);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(34), 16);
        "data"u8.CopyTo(wav.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(40), samples * 2);
        for (var i = 0; i < samples; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(44 + (i * 2)), (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / rate)));
        }

        var file = new ByteArrayContent(wav);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        return new MultipartFormDataContent { { file, "media_file", "camb-check.wav" } };
    }

    private sealed class CouldNotRunException(string message) : Exception(message);
}
