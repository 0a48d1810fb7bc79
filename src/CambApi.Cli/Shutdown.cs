using System.Runtime.InteropServices;

namespace CambApi.Cli;

/// <summary>
/// One shutdown path for SIGINT (Ctrl+C) and SIGTERM (what <c>docker stop</c>, systemd, CI runners and job schedulers
/// send): the first signal cancels the command's token, so it stops cleanly — no half-written file, each unfinished file
/// listed with how to resume, a fleet worker's claims handed back — and a second signal of either kind is left to the
/// runtime, which ends the process at once.
/// </summary>
internal sealed class Shutdown : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly TextWriter _error;
    private readonly PosixSignalRegistration[] _registrations;
    private int _signal; // the first signal's number, 0 until one arrives

    private Shutdown(TextWriter error)
    {
        _error = error;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    /// <summary>Starts listening for SIGINT and SIGTERM; <paramref name="error"/> gets the one line said on the first.</summary>
    public static Shutdown Listen(TextWriter error) => new(error);

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>
    /// The process's exit code for a command that returned <paramref name="commandExitCode"/>: an interrupted command exits
    /// 128 + the signal's number, as shells report it — 130 after SIGINT, 143 after SIGTERM.
    /// </summary>
    public int ExitCodeFor(int commandExitCode) =>
        commandExitCode == ExitCodes.Interrupted && Volatile.Read(ref _signal) == (int)Signal.Term ? ExitCodes.Terminated : commandExitCode;

    private void OnSignal(PosixSignalContext context)
    {
        var signal = context.Signal == PosixSignal.SIGTERM ? Signal.Term : Signal.Int;
        if (Interlocked.CompareExchange(ref _signal, (int)signal, 0) != 0)
        {
            return; // a second signal: not cancelled, so the runtime's default ends the process at once
        }

        context.Cancel = true;
        // The command then says, per file, what is unfinished and how to resume (a simulator just closes).
        _error.WriteLine(signal == Signal.Term
            ? "camb: stopping on SIGTERM, cleanly (a second signal quits at once)"
            : "camb: stopping, cleanly (Ctrl+C again to quit at once)");
        // Off the signal thread: cancellation runs the commands' clean-up, which must not run inside the signal handler.
        _ = Task.Run(() => _cancel.CancelAsync());
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancel.Dispose();
    }

    /// <summary>The POSIX numbers (exit code = 128 + number), whatever PosixSignal's own values are.</summary>
    private enum Signal
    {
        Int = 2,
        Term = 15,
    }
}
