using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CambApi.Fleet;

/// <summary>
/// The connection and transaction helper every role of the store shares (the files, the gate, the read side): one place a
/// connection is opened, a failure to open becomes one line, and a transaction that holds the gate is begun.
/// </summary>
public sealed partial record FleetDatabase
{
    /// <summary>Opens a connection; a failure to open is a <see cref="FleetDatabaseException"/> naming where and what happened.</summary>
    internal async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        DbConnection connection = IsPostgres ? new NpgsqlConnection(ConnectionString) : new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (Exception e) when (e is DbException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync();
            throw FleetDatabaseErrors.Describe(this, e);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction; with <paramref name="holdGate"/>, one that holds the gate row first
    /// (PostgreSQL; SQLite's BEGIN IMMEDIATE holds the whole database), so decisions about room and pauses are serialized.
    /// </summary>
    internal async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, bool holdGate, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (holdGate && IsPostgres)
        {
            await connection.ExecuteAsync("SELECT id FROM camb_fleet_gate WHERE id = 1 FOR UPDATE", transaction: transaction);
        }

        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    internal async Task<int> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    internal async Task<FleetFile?> SingleFileAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<FileRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return row?.ToFile();
    }

    internal async Task<IReadOnlyList<FleetFile>> FilesAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await FilesAsync(connection, null, sql, parameters);
    }

    internal static async Task<IReadOnlyList<FleetFile>> FilesAsync(DbConnection connection, DbTransaction? transaction, string sql, object parameters) =>
        (await connection.QueryAsync<FileRow>(sql, parameters, transaction)).Select(r => r.ToFile()).ToList();
}
