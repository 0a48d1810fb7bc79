namespace CambApi.Tests;

/// <summary>The faults the nemesis plays.</summary>
internal enum NemesisFaultKind
{
    /// <summary>SIGKILL a worker; a replacement starts after the fault's length.</summary>
    Kill,

    /// <summary>SIGSTOP a worker past its lease, then SIGCONT.</summary>
    Freeze,

    /// <summary>Stop PostgreSQL (a fast shutdown), start it again after the fault's length.</summary>
    DatabaseDown,

    /// <summary>Every API request answered 429 for the fault's length.</summary>
    Storm,

    /// <summary>An input file rewritten with other content after it was submitted.</summary>
    ChangeInput,
}
