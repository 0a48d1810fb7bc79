namespace CambApi.Fleet;

/// <summary>
/// The fleet's database cannot be used: unreachable, refused, or made by a newer version. The message is the one line a
/// person reads (where, what happened, what to check); nothing was submitted or changed.
/// </summary>
public sealed class FleetDatabaseException : Exception
{
    /// <summary>A database problem described for a person.</summary>
    public FleetDatabaseException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
