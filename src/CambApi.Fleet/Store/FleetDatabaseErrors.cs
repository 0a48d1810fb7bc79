using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CambApi.Fleet;

/// <summary>A database failure as a stable code and what happened: where and what — never a password or a type name.</summary>
internal static class FleetDatabaseErrors
{
    public static FleetDatabaseException Describe(FleetDatabase database, Exception e)
    {
        var socket = Find<SocketException>(e);
        var postgres = Find<PostgresException>(e);
        var (code, problem) = (socket?.SocketErrorCode, postgres?.SqlState) switch
        {
            (SocketError.ConnectionRefused, _) => (FleetDatabaseException.Refused, $"cannot reach {database.Where}: connection refused"),
            (SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain, _) => (FleetDatabaseException.HostNotFound, $"cannot reach {database.Where}: the host name does not resolve"),
            (SocketError.TimedOut or SocketError.HostUnreachable or SocketError.NetworkUnreachable, _) => (FleetDatabaseException.NoAnswer, $"cannot reach {database.Where}: no answer"),
            (_, "28P01" or "28000") => (FleetDatabaseException.LoginRefused, $"{database.Where} refused the login"),
            (_, "3D000") => (FleetDatabaseException.NoSuchDatabase, $"{database.Where}: the database does not exist"),
            (_, "42P01" or "42703") => (FleetDatabaseException.Emptied, $"{database.Where}: the fleet's tables are gone"),
            _ when e is TimeoutException || Find<TimeoutException>(e) is not null => (FleetDatabaseException.NoAnswer, $"cannot reach {database.Where}: no answer in time"),
            _ when e is SqliteException sqlite => (FleetDatabaseException.CannotOpen, $"cannot open {database.Where}: {sqlite.Message.Split('\n')[0]}"),
            _ => (FleetDatabaseException.Failed, $"cannot use {database.Where}: {(postgres?.MessageText ?? e.Message).Split('\n')[0]}"),
        };
        return new FleetDatabaseException(code, problem, e);
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
