using Dapper;

namespace CambApi.Fleet;

/// <summary>
/// The fleet's one clock: the database's. Every lease, due time, pause and overdue comparison is computed in the SQL that
/// writes or compares it, so machines whose clocks disagree (NTP drift, a resumed VM) agree on what is late and what is
/// dead. A statement writes <c>{now}</c> where it needs the time; the clock turns it into SQL. Tests give the store a
/// clock of their own (<see cref="Of"/>), bound as a parameter, so fake time drives the rules as the database's would.
/// </summary>
internal abstract class FleetClock
{
    public const string Token = "{now}";

    /// <summary>The database's own clock: PostgreSQL's statement time; SQLite's (the one machine's).</summary>
    public static readonly FleetClock Database = new DatabaseClock();

    /// <summary>A clock the tests control.</summary>
    public static FleetClock Of(TimeProvider time) => new ProvidedClock(time);

    /// <summary><paramref name="sql"/> with its <c>{now}</c> read from this clock, and the parameters that reading needs.</summary>
    public (string Sql, DynamicParameters Parameters) Apply(string sql, object? parameters, bool postgres)
    {
        var bound = new DynamicParameters(parameters);
        if (!sql.Contains(Token, StringComparison.Ordinal))
        {
            return (sql, bound);
        }

        return (sql.Replace(Token, Expression(postgres, bound), StringComparison.Ordinal), bound);
    }

    protected abstract string Expression(bool postgres, DynamicParameters parameters);

    private sealed class DatabaseClock : FleetClock
    {
        protected override string Expression(bool postgres, DynamicParameters parameters) => postgres
            ? "CAST(EXTRACT(EPOCH FROM statement_timestamp()) * 1000 AS BIGINT)"
            : "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";
    }

    private sealed class ProvidedClock(TimeProvider time) : FleetClock
    {
        protected override string Expression(bool postgres, DynamicParameters parameters)
        {
            parameters.Add("fleet_clock", time.GetUtcNow().ToUnixTimeMilliseconds());
            return "CAST(@fleet_clock AS BIGINT)";
        }
    }
}
