using Spectre.Console;

namespace CambApi.Cli;

/// <summary>
/// Where the CLI writes: results to <see cref="Out"/>, progress and errors to <see cref="Error"/>. Interactive
/// (progress bars) only on a real terminal; redirected output gets plain lines. Injected so tests can run the
/// CLI in-process.
/// </summary>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, Lazy<IAnsiConsole> AnsiConsoleSource, bool Interactive)
{
    /// <summary>The Spectre console (progress bars, tables), made on first use: `camb --help` and errors never pay its start-up.</summary>
    public IAnsiConsole Ansi => AnsiConsoleSource.Value;

    public static CliConsole System()
    {
        var interactive = !Console.IsOutputRedirected && !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        return new CliConsole(Console.Out, Console.Error, new Lazy<IAnsiConsole>(() => AnsiConsole.Console), interactive);
    }

    /// <summary>
    /// The same console with <paramref name="secrets"/> masked in every line written to <see cref="Out"/> and
    /// <see cref="Error"/>. (The Spectre console draws only file names and our own messages.)
    /// </summary>
    public CliConsole Redacting(IReadOnlyList<string> secrets) =>
        secrets.Count == 0 ? this : this with { Out = new RedactingWriter(Out, secrets), Error = new RedactingWriter(Error, secrets) };

    /// <summary>A non-interactive console over two writers (tests, pipes).</summary>
    public static CliConsole Plain(TextWriter output, TextWriter error) =>
        new(output, error, new Lazy<IAnsiConsole>(() => AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        })), Interactive: false);
}
