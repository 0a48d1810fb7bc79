using CambApi.Fleet;

namespace CambApi.Cli.Commands;

internal sealed record SeparateRequest(string[] Inputs, string Out, bool Simulate, bool Json, TimeSpan? Timeout, int Concurrency, bool Overwrite, Connection Connection);

/// <summary>One input file, validated once (its path, size and content type go along), and the output name it gets.</summary>
internal sealed record InputFile(ValidatedInput Input, string Name, string Stem)
{
    public string Path => Input.Path;
}

/// <summary><c>camb separate</c>: files and folders in, two tracks per file out, resumable through the batch journal.</summary>
internal static class SeparateCommand
{
    public static async Task<int> RunAsync(CliConsole console, SeparateRequest request, Action<AudioSeparationClientOptions>? configureClient, CancellationToken cancellationToken)
    {
        if (request.Concurrency < 1)
        {
            return Usage(console, "--concurrency must be at least 1.");
        }

        List<InputFile> files;
        try
        {
            files = ExpandInputs(request.Inputs, out var skipped);
            foreach (var path in skipped)
            {
                console.Error.WriteLine($"camb: skipped {path}: not a supported audio file (WAV, MP3, FLAC, AAC)");
            }
        }
        catch (Exception e) when (e is ArgumentException or IOException)
        {
            return Usage(console, e.Message);
        }

        // Two inputs that would write the same names: refused before anything is uploaded, never one silently lost.
        if (files.GroupBy(f => f.Stem, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } clash)
        {
            return Usage(console, $"{string.Join(" and ", clash.Select(f => f.Name))} would both write {clash.Key}.foreground/background in {request.Out}; " +
                                  "separate them in different --out folders, or rename one.");
        }

        if (OutputCheck.Prepare(request.Out, request.Overwrite, out var problem) is not { } output)
        {
            return Usage(console, problem!);
        }

        using var journal = BatchJournal.Open(output.Folder);
        if (!request.Overwrite && OutputCheck.Foreign(journal, output.Folder, files.Select(f => f.Stem)) is { } foreign)
        {
            return Usage(console, foreign);
        }

        await using var simulator = request.Simulate ? await EmbeddedSimulator.StartAsync(cancellationToken) : null;
        // The room adapts: --concurrency is the ceiling; the service's 429s narrow it and pause every request, uploads widen it.
        using var gate = new LocalGate(request.Concurrency, CliClient.ClockOf(configureClient));
        CliClient client;
        try
        {
            client = request.Connection.CreateClient(request.Timeout, simulator, configureClient, gate, report: null); // each file's own line says what the pauses did
        }
        catch (ArgumentException e)
        {
            return Usage(console, e.Message);
        }

        using (client)
        {
            var outcomes = await SeparationJobs.RunAllAsync(console, request.Json, files, gate,
                file => (file.Name, file.Input.Length),
                async (file, progress, ct) =>
                {
                    var hash = await SeparationJobs.HashAsync(file.Path, ct);
                    var known = journal.Find(file.Stem);
                    if (known is not null && known.Sha256 == hash && known.FilesIntact())
                    {
                        return new FileOutcome(file.Path, file.Name, Outcome.Skipped, "SUCCESS", known.TaskId, known.RunId, known.Foreground, known.Background);
                    }

                    // A new or changed input starts afresh, but keeps claiming the files the journal wrote under its name.
                    // Task and run ids from an embedded simulator died with it.
                    var entry = known is not null && known.Sha256 == hash && !request.Simulate
                        ? known
                        : new JournalEntry { Stem = file.Stem, Input = file.Path, Sha256 = hash, Foreground = known?.Foreground, Background = known?.Background };
                    return await SeparationJobs.ContinueAsync(client.Client, journal, entry, file.Input, file.Name, output, progress, gate, ct);
                },
                file => SeparationJobs.Interrupted(file.Path, file.Name, journal.Find(file.Stem) is { } e && e.Input == file.Path ? e : null),
                cancellationToken);

            Rendering.Report.Write(console, outcomes, request.Json);
            return FileOutcome.ExitCode(outcomes);
        }
    }

    /// <summary>Files named directly, and the supported files directly inside folders (others listed in <paramref name="skipped"/>).</summary>
    internal static List<InputFile> ExpandInputs(IEnumerable<string> inputs, out List<string> skipped)
    {
        var files = new List<InputFile>();
        skipped = [];
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                foreach (var path in Directory.EnumerateFiles(input).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal))
                {
                    try
                    {
                        files.Add(Described(MediaInput.Validate(path)));
                    }
                    catch (ArgumentException)
                    {
                        skipped.Add(path); // in a folder, an unsupported or empty file is passed over, not an error
                    }
                }
            }
            else if (input.StartsWith('-') && !File.Exists(input))
            {
                // The inputs argument takes any token; a misspelt option is not a missing audio file.
                throw new ArgumentException($"unknown option '{input.Split('=', ':')[0]}' (see camb separate --help).");
            }
            else
            {
                files.Add(Described(MediaInput.Validate(input, nameof(inputs))));
            }
        }

        return files.Count > 0 ? files : throw new ArgumentException("no supported audio files (WAV, MP3, FLAC, AAC) in the inputs.");

        static InputFile Described(ValidatedInput input) => new(input, input.FileName, OutputNames.For(input.Path));
    }

    internal static int Usage(CliConsole console, string message)
    {
        console.Error.WriteLine($"camb: {Failures.Trim(message)}");
        return ExitCodes.BadUsage;
    }
}
