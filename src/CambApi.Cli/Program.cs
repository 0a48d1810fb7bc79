using CambApi.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C lets the command stop cleanly (no half-written files, the task ids printed); a second one
    // is not intercepted and ends the process at once.
    if (!cancel.IsCancellationRequested)
    {
        e.Cancel = true;
        Console.Error.WriteLine("camb: stopping — unfinished files will be listed with how to resume (Ctrl+C again to quit at once)");
        // Off the signal thread: cancellation runs the commands' clean-up, which must not run inside the signal handler.
        _ = cancel.CancelAsync();
    }
};

return await CambCli.RunAsync(args, CliConsole.System(), cancellationToken: cancel.Token);
