using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CambApi.Fleet;

/// <summary>A database failure as the one line a person reads: where, what happened, what to check — never a password or a type name.</summary>
internal static class FleetDatabaseErrors
{
    public static FleetDatabaseException Describe(FleetDatabase database, Exception e)
    {
        var socket = Find<SocketException>(e);
        var postgres = Find<PostgresException>(e);
        var message = (socket?.SocketErrorCode, postgres?.SqlState) switch
        {
            (SocketError.ConnectionRefused, _) => $"cannot reach {database.Where}: connection refused — check the host and port in --db (or {FleetDatabase.EnvironmentVariable}) and that the server runs",
            (SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain, _) => $"cannot reach {database.Where}: the host name does not resolve — check the host in --db (or {FleetDatabase.EnvironmentVariable})",
            (SocketError.TimedOut or SocketError.HostUnreachable or SocketError.NetworkUnreachable, _) => $"cannot reach {database.Where}: no answer — check the host, the port and the network",
            (_, "28P01" or "28000") => $"{database.Where} refused the login — check the user and password in --db",
            (_, "3D000") => $"{database.Where}: the database does not exist — create it, or name another in --db",
            _ when e is TimeoutException || Find<TimeoutException>(e) is not null => $"cannot reach {database.Where}: no answer in time — check the host, the port and the network",
            _ when e is SqliteException sqlite => $"cannot open {database.Where}: {sqlite.Message.Split('\n')[0]} — check the folder is writable",
            _ => $"cannot use {database.Where}: {(postgres?.MessageText ?? e.Message).Split('\n')[0]}",
        };
        return new FleetDatabaseException(message, e);
    }

    private static T? Find<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}
