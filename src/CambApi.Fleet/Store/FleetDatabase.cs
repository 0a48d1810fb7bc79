using Npgsql;

namespace CambApi.Fleet;

/// <summary>
/// Where the fleet keeps its rows (and, for PostgreSQL, Hangfire's): a PostgreSQL server for a fleet, given as an Npgsql
/// connection string (<c>Host=…;Port=…;Username=…;Database=…</c>) or a <c>postgres://</c> URL; or, with none, an embedded
/// SQLite file in a folder, so one machine needs no server.
/// </summary>
public sealed partial record FleetDatabase
{
    /// <summary>The embedded store's file, in the folder it is opened from.</summary>
    public const string EmbeddedFileName = ".camb-fleet.db";

    /// <summary>The environment variable a program may read for the database when none is given (camb does; the library never reads it).</summary>
    public const string EnvironmentVariable = "CAMB_FLEET_DB";

    private FleetDatabase(string connectionString, bool isPostgres, string where)
    {
        ConnectionString = connectionString;
        IsPostgres = isPostgres;
        Where = where;
    }

    /// <summary>The ADO.NET connection string (Npgsql or Microsoft.Data.Sqlite). Internal: it may hold a password.</summary>
    internal string ConnectionString { get; private init; }

    /// <summary>True for a PostgreSQL server; false for the embedded file.</summary>
    public bool IsPostgres { get; }

    /// <summary>What a person is told: <c>PostgreSQL at host:port, database d</c> or the embedded file's path. Never a password.</summary>
    public string Where { get; }

    /// <summary>The database's name for telemetry (<c>db.namespace</c>): the PostgreSQL database, or <c>embedded</c>; never a path or a host.</summary>
    internal string Namespace => IsPostgres ? new NpgsqlConnectionStringBuilder(ConnectionString).Database ?? "" : "embedded";

    /// <summary>The embedded store in <paramref name="folder"/>.</summary>
    public static FleetDatabase Embedded(string folder)
    {
        var path = Path.GetFullPath(Path.Combine(folder, EmbeddedFileName));
        return new FleetDatabase($"Data Source={path};Default Timeout=30;Pooling=True", isPostgres: false, $"the embedded store {path}");
    }

    /// <summary>
    /// <paramref name="text"/> as given to <see cref="FleetOptions.Database"/>; null or empty means the embedded store in
    /// <paramref name="embeddedFolder"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Neither a connection string nor a postgres:// URL; the message says which form is expected (never echoing the text, which may hold a password).</exception>
    public static FleetDatabase Parse(string? text, string embeddedFolder)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Embedded(embeddedFolder);
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
                ? FromUrl(new Uri(text))
                : new NpgsqlConnectionStringBuilder(text);
        }
        catch (Exception e) when (e is ArgumentException or UriFormatException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException(
                "FleetOptions.Database takes an Npgsql connection string (Host=…;Port=…;Username=…;Database=…) or a postgres://user@host:port/database URL.", nameof(text), e);
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new ArgumentException("FleetOptions.Database names no host: write Host=… (or postgres://user@host:port/database).", nameof(text));
        }

        // Fail fast on a wrong host or port: a person is waiting for the one line that says so.
        if (!text.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.Timeout = 5;
        }

        return new FleetDatabase(builder.ConnectionString, isPostgres: true,
            $"PostgreSQL at {builder.Host}:{builder.Port}{(builder.Database is { Length: > 0 } db ? $", database {db}" : "")}");
    }

    private static NpgsqlConnectionStringBuilder FromUrl(Uri url)
    {
        var builder = new NpgsqlConnectionStringBuilder { Host = url.Host, Port = url.IsDefaultPort || url.Port <= 0 ? 5432 : url.Port };
        if (url.UserInfo.Split(':', 2) is [var user, ..] && user.Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(user);
        }

        if (url.UserInfo.Split(':', 2) is [_, var password])
        {
            builder.Password = Uri.UnescapeDataString(password);
        }

        if (url.AbsolutePath.Trim('/') is { Length: > 0 } database)
        {
            builder.Database = Uri.UnescapeDataString(database);
        }

        return builder;
    }

    /// <summary>
    /// The same database through a pool of at most <paramref name="connections"/> of its own, named <paramref name="role"/>
    /// (PostgreSQL; the embedded file has no server to spare). Npgsql keeps one pool per connection string: without the
    /// name, two roles with the same budget (the fleet's statements and Hangfire's) shared one pool, and Hangfire's waiting
    /// fetches left the fleet's statements none. The name also tells the roles apart in <c>pg_stat_activity</c>.
    /// </summary>
    internal FleetDatabase WithMaxConnections(int connections, string role) => !IsPostgres ? this : this with
    {
        ConnectionString = new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = Math.Max(1, connections), ApplicationName = role }.ConnectionString,
        Connections = new SemaphoreSlim(Math.Max(1, connections)),
    };

    /// <summary>Never the connection string: it may hold a password.</summary>
    public override string ToString() => Where;
}
