namespace CambApi.Cli;

/// <summary>Process exit codes: stable, documented in the README and <c>camb --help</c>.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadUsage = 2;
    public const int PartialSuccess = 3;

    /// <summary>A task was still running at --timeout; it goes on at the service and the same command resumes it.</summary>
    public const int TimedOut = 4;

    /// <summary>Ctrl+C (128 + SIGINT, as shells report it); the same command resumes.</summary>
    public const int Interrupted = 130;

    /// <summary>SIGTERM (128 + 15: docker stop, systemd, a CI runner); the same command resumes.</summary>
    public const int Terminated = 143;

    public const string Help =
        "Exit codes: 0 success, 1 failure, 2 bad usage (nothing was sent), 3 partial success in a batch, " +
        "4 timed out (the task goes on: run the same command again), 130 interrupted by Ctrl+C, 143 stopped by SIGTERM " +
        "(run the same command again).";
}
