namespace CambApi.Fleet;

/// <summary>
/// The fleet's database cannot be used: unreachable, refused, or laid out by a newer version. One of the
/// <see cref="CambException"/> family, so one catch covers the library and its fleet. <see cref="Code"/> is stable, for
/// code; <see cref="Problem"/> is what happened, for a person; the message adds what to check, in this library's terms
/// (<see cref="FleetOptions.Database"/>), and a program with its own words (a command line's option) adds its own to the
/// problem. Never a password.
/// </summary>
public sealed class FleetDatabaseException : CambException
{
    /// <summary>The server refused the connection (not running, or another port).</summary>
    public const string Refused = "refused";

    /// <summary>The host name does not resolve.</summary>
    public const string HostNotFound = "host_not_found";

    /// <summary>No answer in time (a network or firewall problem, or a server restarting).</summary>
    public const string NoAnswer = "no_answer";

    /// <summary>The server refused the login (user or password).</summary>
    public const string LoginRefused = "login_refused";

    /// <summary>The named database does not exist on the server.</summary>
    public const string NoSuchDatabase = "no_such_database";

    /// <summary>The embedded store's file could not be opened.</summary>
    public const string CannotOpen = "cannot_open";

    /// <summary>The database was laid out by a newer version of this library: it is left untouched.</summary>
    public const string NewerSchema = "newer_schema";

    /// <summary>The fleet's tables are gone: the database was dropped, emptied or replaced while workers ran.</summary>
    public const string Emptied = "emptied";

    /// <summary>Any other failure of the database.</summary>
    public const string Failed = "failed";

    /// <summary>A database problem: a stable <paramref name="code"/> and what happened, for a person.</summary>
    public FleetDatabaseException(string code, string problem, Exception? innerException = null)
        : base(problem + NextStep(code), statusCode: null, innerException)
    {
        Code = code;
        Problem = problem;
    }

    /// <summary>Which problem it is: one of this class's constants.</summary>
    public string Code { get; }

    /// <summary>What happened (where, and what), without what to do about it.</summary>
    public string Problem { get; }

    /// <summary>A server that refuses, does not answer or fails may be back soon; a wrong setting or a newer layout will not fix itself.</summary>
    public override bool IsTransient => Code is Refused or NoAnswer or Failed;

    private static string NextStep(string code) => code switch
    {
        Refused => " — check the host and port in FleetOptions.Database and that the server runs",
        HostNotFound => " — check the host in FleetOptions.Database",
        NoAnswer => " — check the host, the port and the network",
        LoginRefused => " — check the user and password in FleetOptions.Database",
        NoSuchDatabase => " — create it, or name another in FleetOptions.Database",
        CannotOpen => " — check the folder is writable",
        NewerSchema => " — upgrade CambApi.Fleet on this machine",
        Emptied => " — restore the database, or submit the files again",
        _ => "",
    };
}
