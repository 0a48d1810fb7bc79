using CambApi.Http;

namespace CambApi.Cli.Commands;

internal sealed record SeparateRequest(string[] Inputs, string Out, bool Simulate, bool Json, TimeSpan? Timeout, int Concurrency, bool Overwrite, Connection Connection);

/// <summary><c>camb separate</c>: files and folders in, two tracks per file out, resumable through the batch journal.</summary>
internal static class SeparateCommand
{
    public static async Task<int> RunAsync(CliConsole console, SeparateRequest request, Action<AudioSeparationClientOptions>? configureClient, CancellationToken cancellationToken)
    {
        if (request.Concurrency < 1)
        {
            return Usage(console, "--concurrency must be at least 1.");
        }

        InputSet inputs;
        try
        {
            inputs = ExpandInputs(console, request.Inputs);
        }
        catch (Exception e) when (e is ArgumentException or IOException)
        {
            return Usage(console, e.Message);
        }

        // Two inputs that would write the same names: refused before anything is uploaded, never one silently lost.
        if (inputs.Clash(request.Out) is { } clash)
        {
            return Usage(console, $"{clash}; separate them in different --out folders, or rename one.");
        }

        var files = inputs.Files;

        if (OutputCheck.Prepare(request.Out, request.Overwrite, out var problem) is not { } output)
        {
            return Usage(console, problem!);
        }

        using var journal = BatchJournal.Open(output.Folder);
        if (!request.Overwrite && OutputCheck.Foreign(journal, output.Folder, files.Select(f => f.OutputName)) is { } foreign)
        {
            return Usage(console, foreign);
        }

        await using var simulator = request.Simulate ? await EmbeddedSimulator.StartAsync(cancellationToken) : null;
        LocalGate gate;
        AudioSeparationClient client;
        try
        {
            var options = request.Connection.Options(request.Timeout, simulator, configureClient);
            // The room adapts: --concurrency is the ceiling; the service's 429s narrow it and pause every request, uploads widen it.
            gate = new LocalGate(request.Concurrency, options.TimeProvider);
            client = Connection.Client(options, gate, report: null); // each file's own line says what the pauses did
        }
        catch (ArgumentException e)
        {
            return Usage(console, e.Message);
        }

        using (gate)
        using (client)
        {
            var outcomes = await SeparationJobs.RunAllAsync(console, request.Json, files, gate,
                file => (file.Name, file.Input.Length),
                async (file, progress, ct) =>
                {
                    var hash = await InputSet.HashAsync(file.Path, ct);
                    var known = journal.Find(file.OutputName);
                    if (known is not null && known.Sha256 == hash && known.FilesIntact())
                    {
                        return new FileOutcome(file.Path, file.Name, Outcome.Skipped, "SUCCESS", known.TaskId, known.RunId, known.Foreground, known.Background);
                    }

                    // A new or changed input starts afresh, but keeps claiming the files the journal wrote under its name.
                    // Task and run ids from an embedded simulator died with it.
                    var entry = known is not null && known.Sha256 == hash && !request.Simulate
                        ? known
                        : new JournalEntry { Stem = file.OutputName, Input = file.Path, Sha256 = hash, Foreground = known?.Foreground, Background = known?.Background };
                    return await SeparationJobs.ContinueAsync(client, journal, entry, file.Input, file.Name, output, progress, gate, ct);
                },
                file => SeparationJobs.Interrupted(file.Path, file.Name, journal.Find(file.OutputName) is { } e && e.Input == file.Path ? e : null),
                cancellationToken);

            Rendering.Report.Write(console, outcomes, request.Json);
            return FileOutcome.ExitCode(outcomes);
        }
    }

    /// <summary>The inputs as the library reads a batch (<see cref="InputSet"/>), after the one check only a command line needs.</summary>
    internal static InputSet ExpandInputs(CliConsole console, IEnumerable<string> inputs)
    {
        // The inputs argument takes any token; a misspelt option is not a missing audio file.
        if (inputs.FirstOrDefault(i => i.StartsWith('-') && !File.Exists(i) && !Directory.Exists(i)) is { } option)
        {
            throw new ArgumentException($"unknown option '{option.Split('=', ':')[0]}' (see camb separate --help).");
        }

        var set = InputSet.Expand(inputs, nameof(inputs));
        foreach (var path in set.Skipped)
        {
            console.Error.WriteLine($"camb: skipped {path}: not a supported audio file (WAV, MP3, FLAC, AAC)");
        }

        return set;
    }

    internal static int Usage(CliConsole console, string message)
    {
        console.Error.WriteLine($"camb: {Failures.Trim(message)}");
        return ExitCodes.BadUsage;
    }
}
