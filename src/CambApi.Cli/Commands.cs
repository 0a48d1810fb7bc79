using System.Text.Json;
using CambApi.Client;
using CambApi.Simulator;
using Spectre.Console;

namespace CambApi.Cli;

/// <summary>Process exit codes (documented in README and <c>camb --help</c>).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadUsage = 2;
    public const int PartialSuccess = 3;
}

internal sealed record SeparateRequest(string[] Inputs, string Out, bool Simulate, bool Json, TimeSpan? Timeout, int Concurrency, string? ApiKey, string? BaseUrl);

internal sealed record FileOutcome(string Input, string? Foreground, string? Background, long? RunId, string? Error, bool? SumsToInput);

internal static class Commands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> SeparateAsync(SeparateRequest request, CancellationToken cancellationToken)
    {
        if (request.Concurrency is < 1 or > 16)
        {
            return Usage("--concurrency must be between 1 and 16.");
        }

        List<string> files;
        try
        {
            files = ExpandInputs(request.Inputs);
            Directory.CreateDirectory(request.Out);
            var probe = Path.Combine(request.Out, $".camb-write-test-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or UnauthorizedAccessException or IOException)
        {
            return Usage(e is UnauthorizedAccessException or IOException ? $"the output folder '{request.Out}' is not writable ({e.Message})" : e.Message);
        }

        await using var simulator = request.Simulate ? await CambSimulator.StartAsync(cancellationToken: cancellationToken) : null;
        AudioSeparationClient client;
        try
        {
            client = simulator?.CreateClient(o => o.MaxWait = request.Timeout ?? o.MaxWait) ?? CreateClient(request.ApiKey, request.BaseUrl, request.Timeout);
        }
        catch (ArgumentException e)
        {
            return Usage(e.Message);
        }

        using (client)
        {
            var progress = !request.Json;
            var outcomes = new FileOutcome[files.Count];
            using var gate = new SemaphoreSlim(request.Concurrency);
            await Task.WhenAll(files.Select(async (file, i) =>
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    outcomes[i] = await SeparateOneAsync(client, file, request.Out, progress, cancellationToken);
                }
                finally
                {
                    gate.Release();
                }
            }));

            Report(outcomes, request.Json);
            var failed = outcomes.Count(o => o.Error is not null);
            return failed == 0 ? ExitCodes.Success : failed == outcomes.Length ? ExitCodes.Failure : ExitCodes.PartialSuccess;
        }
    }

    private static async Task<FileOutcome> SeparateOneAsync(AudioSeparationClient client, string file, string output, bool progress, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(file);
        try
        {
            var status = progress ? new Progress<SeparationProgress>(p =>
            {
                if (p.Changed)
                {
                    Console.Error.WriteLine($"{name}: {p.Status} ({p.Elapsed.TotalSeconds:0.0} s)");
                }
            }) : null;
            if (progress)
            {
                Console.Error.WriteLine($"{name}: uploading");
            }

            var files = await client.SeparateFileAsync(file, output, status, cancellationToken);
            return new FileOutcome(file, files.ForegroundPath, files.BackgroundPath, files.Result.RunId, null, SumsToInput(file, files));
        }
        catch (Exception e) when (e is CambApiException or SeparationFailedException or SeparationTimeoutException or SeparationDownloadException or ArgumentException or IOException)
        {
            var message = e switch
            {
                CambApiException api => $"the service answered HTTP {api.StatusCode}",
                _ => e.Message,
            };
            return new FileOutcome(file, null, null, null, message, null);
        }
    }

    /// <summary>For WAV input, checks the vendor's promise: foreground + background == input, sample for sample.</summary>
    private static bool? SumsToInput(string input, SeparatedFiles files)
    {
        if (!input.EndsWith(".wav", StringComparison.OrdinalIgnoreCase) || !files.ForegroundPath.EndsWith(".wav", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var original = PcmWav.Read(File.ReadAllBytes(input));
            var fg = PcmWav.Read(File.ReadAllBytes(files.ForegroundPath));
            var bg = PcmWav.Read(File.ReadAllBytes(files.BackgroundPath));
            return fg.Samples.Length == original.Samples.Length && bg.Samples.Length == original.Samples.Length &&
                   !original.Samples.Where((s, i) => fg.Samples[i] + bg.Samples[i] != s).Any();
        }
        catch (InvalidDataException)
        {
            return null; // not integer PCM (the real service may return another encoding): nothing to compare
        }
    }

    private static void Report(FileOutcome[] outcomes, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(outcomes.Select(o => new
            {
                input = o.Input, foreground = o.Foreground, background = o.Background, run_id = o.RunId, sums_to_input = o.SumsToInput, error = o.Error,
            }), Indented));
            return;
        }

        foreach (var o in outcomes.Where(o => o.Error is null))
        {
            Console.WriteLine($"{Path.GetFileName(o.Input)} -> run {o.RunId}");
            Console.WriteLine($"  foreground: {o.Foreground}");
            Console.WriteLine($"  background: {o.Background}");
            if (o.SumsToInput is { } sums)
            {
                Console.WriteLine(sums ? "  check: foreground + background == input, sample for sample" : "  check: FAILED, foreground + background != input");
            }
        }

        var table = new Table().AddColumns("input", "result", "foreground", "background");
        foreach (var o in outcomes)
        {
            table.AddRow(Markup.Escape(Path.GetFileName(o.Input)), o.Error is null ? "[green]ok[/]" : $"[red]{Markup.Escape(o.Error)}[/]",
                Markup.Escape(o.Foreground ?? "-"), Markup.Escape(o.Background ?? "-"));
        }

        AnsiConsole.Write(table);
    }

    public static async Task<int> StatusAsync(string taskId, string? apiKey, string? baseUrl, bool json, CancellationToken cancellationToken)
    {
        try
        {
            using var client = CreateClient(apiKey, baseUrl, null);
            var operation = client.ResumeSeparation(taskId);
            await operation.UpdateStatusAsync(cancellationToken);
            Console.WriteLine(json
                ? JsonSerializer.Serialize(new { task_id = taskId, status = operation.Status.Value, run_id = operation.RunId, exception_reason = operation.ExceptionReason, message = operation.ServiceMessage })
                : $"{taskId}: {operation.Status}{(operation.RunId is { } r ? $" (run {r})" : "")}{(operation.ExceptionReason is { } e ? $" [{e}]" : "")}");
            return ExitCodes.Success;
        }
        catch (ArgumentException e)
        {
            return Usage(e.Message);
        }
        catch (CambApiException e)
        {
            return Fail($"the service answered HTTP {e.StatusCode}");
        }
    }

    public static async Task<int> ResultsAsync(long[] runIds, string? apiKey, string? baseUrl, bool json, CancellationToken cancellationToken)
    {
        try
        {
            using var client = CreateClient(apiKey, baseUrl, null);
            var results = runIds.Length == 1
                ? new Dictionary<long, SeparationResult> { [runIds[0]] = await client.GetResultAsync(runIds[0], cancellationToken) }
                : await client.GetResultsAsync(runIds, cancellationToken);
            foreach (var (id, r) in results)
            {
                // Signatures stay off the terminal: the query is a credential.
                Console.WriteLine(json
                    ? JsonSerializer.Serialize(new { run_id = id, foreground = r.ForegroundUrl.GetLeftPart(UriPartial.Path), background = r.BackgroundUrl.GetLeftPart(UriPartial.Path) })
                    : r.ToString());
            }

            return results.Count == runIds.Distinct().Count() ? ExitCodes.Success : ExitCodes.PartialSuccess;
        }
        catch (ArgumentException e)
        {
            return Usage(e.Message);
        }
        catch (CambApiException e)
        {
            return Fail($"the service answered HTTP {e.StatusCode}");
        }
    }

    private static AudioSeparationClient CreateClient(string? apiKey, string? baseUrl, TimeSpan? timeout)
    {
        var options = new AudioSeparationClientOptions { ApiKey = apiKey };
        var url = baseUrl ?? Environment.GetEnvironmentVariable("CAMB_BASE_URL");
        if (url is not null)
        {
            options.Endpoint = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"'{url}' is not an absolute URL.");
        }

        if (timeout is { } t)
        {
            options.MaxWait = t;
        }

        return new AudioSeparationClient(options);
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
            else
            {
                files.Add(MediaInput.ValidateFile(input, nameof(inputs)));
            }
        }

        return files.Count > 0 ? files : throw new ArgumentException("no supported audio files (WAV, MP3, FLAC, AAC) in the inputs.");
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"camb: {message.Split(" (Parameter", 2)[0]}");
        return ExitCodes.BadUsage;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"camb: {message}");
        return ExitCodes.Failure;
    }
}
