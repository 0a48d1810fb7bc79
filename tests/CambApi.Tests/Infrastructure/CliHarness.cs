using CambApi.Cli;

namespace CambApi.Tests;

/// <summary>Runs the camb CLI in-process over plain writers, as a pipe would see it.</summary>
internal static class CliHarness
{
    public static Task<(int Exit, string Out, string Err)> Camb(params string[] args) => Camb(args, configureClient: null);

    public static async Task<(int Exit, string Out, string Err)> Camb(string[] args, Action<AudioSeparationClientOptions>? configureClient)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CambCli.RunAsync(args, CliConsole.Plain(output, error), configureClient);
        return (exit, output.ToString(), error.ToString());
    }
}
