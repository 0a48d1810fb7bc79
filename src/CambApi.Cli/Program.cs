using CambApi.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // let the command stop cleanly (no half-written files: downloads go through temp files)
    cancel.Cancel();
};

return await CambCli.RunAsync(args, CliConsole.System(), cancellationToken: cancel.Token);
