using CambApi.Cli;

// SIGINT and SIGTERM take the same path (Shutdown): the command stops cleanly and says how to resume; exit 130 or 143.
using var shutdown = Shutdown.Listen(Console.Error);
return shutdown.ExitCodeFor(await CambCli.RunAsync(args, CliConsole.System(), cancellationToken: shutdown.Token));
