using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CambApi.Fleet;

/// <summary>
/// The connection and transaction helper every role of the store shares (the files, the gate, the read side): the one
/// place a connection is opened, a statement reads the fleet's clock (<see cref="Clock"/>: <c>{now}</c>), a failure is
/// tried again while the database is away (<see cref="Retry"/>), and a fatal one becomes one line.
/// </summary>
public sealed partial record FleetDatabase
{
    /// <summary>Where <c>{now}</c> is read: the database's clock, or a test's.</summary>
    internal FleetClock Clock { get; init; } = FleetClock.Database;

    /// <summary>How a failure is met: a few tries for a command, until the database is back for a worker.</summary>
    internal FleetRetry Retry { get; init; } = FleetRetry.Brief;

    /// <summary>
    /// One place in line per pooled connection: an operation waits here for its turn, however long, instead of in
    /// Npgsql's pool, whose wait ends with a timeout after <c>Timeout</c> seconds — which, after a restart brings every
    /// waiting operation back at once, would read as the database being away. Shared by every copy of this record.
    /// </summary>
    internal SemaphoreSlim? Connections { get; init; }

    /// <summary>Sees every statement as it is sent, with its parameters (the query-plan test and the benchmark; never set in production).</summary>
    internal Action<string, DynamicParameters>? Observer { get; init; }

    /// <summary>Opens a connection; a failure to open is a <see cref="FleetDatabaseException"/> naming where and what happened.</summary>
    internal async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        DbConnection connection = IsPostgres ? new NpgsqlConnection(ConnectionString) : new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (Exception e) when (e is DbException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException or IOException && !cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync();
            throw FleetDatabaseErrors.Describe(this, e);
        }
    }

    /// <summary>Runs <paramref name="work"/> on one connection, tried again as a whole while the database is away.</summary>
    internal Task<T> WithConnectionAsync<T>(Func<FleetSession, Task<T>> work, CancellationToken cancellationToken) =>
        Run(async token =>
        {
            await using var connection = await OpenAsync(token);
            return await work(new FleetSession(this, connection, null, token));
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction, tried again as a whole while the database is away; with
    /// <paramref name="holdGate"/>, one that holds the gate row first (PostgreSQL; SQLite's BEGIN IMMEDIATE holds the whole
    /// file), so decisions about room and pauses are serialized.
    /// </summary>
    internal Task<T> InTransactionAsync<T>(Func<FleetSession, Task<T>> work, bool holdGate, CancellationToken cancellationToken) =>
        Run(async token =>
        {
            await using var connection = await OpenAsync(token);
            await using var transaction = await connection.BeginTransactionAsync(token);
            var session = new FleetSession(this, connection, transaction, token);
            if (holdGate && IsPostgres)
            {
                await session.ExecuteAsync("SELECT id FROM camb_fleet_gate WHERE id = 1 FOR UPDATE");
            }

            var result = await work(session);
            await transaction.CommitAsync(token);
            return result;
        }, cancellationToken);

    internal Task<int> ExecuteAsync(string sql, object? parameters, CancellationToken cancellationToken) =>
        WithConnectionAsync(session => session.ExecuteAsync(sql, parameters), cancellationToken);

    internal Task<FleetFile?> SingleFileAsync(string sql, object? parameters, CancellationToken cancellationToken) =>
        WithConnectionAsync(session => session.SingleFileAsync(sql, parameters), cancellationToken);

    internal Task<IReadOnlyList<FleetFile>> FilesAsync(string sql, object? parameters, CancellationToken cancellationToken) =>
        WithConnectionAsync(session => session.FilesAsync(sql, parameters), cancellationToken);

    internal Task<T> ScalarAsync<T>(string sql, object? parameters, CancellationToken cancellationToken) =>
        WithConnectionAsync(session => session.ScalarAsync<T>(sql, parameters), cancellationToken);

    private async Task<T> Run<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await Retry.RunAsync(async token =>
            {
                if (Connections is not { } line)
                {
                    return await operation(token);
                }

                await line.WaitAsync(token); // each try takes its turn; the wait between tries holds none
                try
                {
                    return await operation(token);
                }
                finally
                {
                    line.Release();
                }
            }, cancellationToken);
        }
        catch (Exception e) when (e is not FleetDatabaseException && e is not OperationCanceledException &&
                                  (e is DbException || FleetRetry.IsFatal(e) || FleetRetry.IsTransient(e)))
        {
            throw FleetDatabaseErrors.Describe(this, e); // out of tries, or never to be mended: one line, never a provider's type
        }
    }
}

/// <summary>One connection (and transaction) of the store, its statements reading the fleet's clock.</summary>
internal sealed class FleetSession(FleetDatabase database, DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
{
    private CommandDefinition Command(string sql, object? parameters)
    {
        var (text, bound) = database.Clock.Apply(sql, parameters, database.IsPostgres);
        database.Observer?.Invoke(text, bound);
        return new CommandDefinition(text, bound, transaction, cancellationToken: cancellationToken);
    }

    public Task<int> ExecuteAsync(string sql, object? parameters = null) => connection.ExecuteAsync(Command(sql, parameters));

    public Task<T> ScalarAsync<T>(string sql, object? parameters = null) => connection.ExecuteScalarAsync<T>(Command(sql, parameters))!;

    public Task<T> SingleAsync<T>(string sql, object? parameters = null) => connection.QuerySingleAsync<T>(Command(sql, parameters));

    public Task<IEnumerable<T>> QueryAsync<T>(string sql, object? parameters = null) => connection.QueryAsync<T>(Command(sql, parameters));

    public async Task<FleetFile?> SingleFileAsync(string sql, object? parameters = null) =>
        (await connection.QuerySingleOrDefaultAsync<FileRow>(Command(sql, parameters)))?.ToFile();

    public async Task<IReadOnlyList<FleetFile>> FilesAsync(string sql, object? parameters = null) =>
        (await connection.QueryAsync<FileRow>(Command(sql, parameters))).Select(r => r.ToFile()).ToList();
}
