using Dapper;

namespace CambApi.Fleet;

/// <summary>
/// The store's gate: the fleet-wide limit on files at the vendor, its ceiling, and the pause every worker honours. Its
/// row is the lock for every decision about room (admission, a refusal, an accepted upload).
/// </summary>
internal sealed class FleetGateStore(FleetDatabase database, TimeProvider time)
{
    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<FleetGateState> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QuerySingleAsync<GateRow>("SELECT " + FleetSql.GateColumns + " FROM camb_fleet_gate WHERE id = 1")).ToState();
    }

    /// <summary>
    /// The vendor said "too many" (429/503 with Retry-After): every worker pauses until then, and the limit is halved — once
    /// per pause, however many requests were refused in it (multiplicative decrease).
    /// </summary>
    public Task<FleetGateState> ThrottledAsync(TimeSpan retryAfter, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (connection, transaction) =>
        {
            var now = Now;
            var gate = await connection.QuerySingleAsync<GateRow>("SELECT " + FleetSql.GateColumns + " FROM camb_fleet_gate WHERE id = 1", transaction: transaction);
            var limit = gate.PausedUntil <= now ? Http.GateRules.Decrease(gate.Limit) : gate.Limit;
            var until = Math.Max(gate.PausedUntil, now + (long)retryAfter.TotalMilliseconds);
            await connection.ExecuteAsync("UPDATE camb_fleet_gate SET fleet_limit = @limit, paused_until = @until, throttled = throttled + 1 WHERE id = 1",
                new { limit, until }, transaction);
            return new FleetGateState(limit, gate.MaxLimit, until, gate.Throttled + 1);
        }, holdGate: true, cancellationToken);

    /// <summary>An upload was accepted: the limit grows (<see cref="Http.GateRules.Increase"/>), up to the ceiling.</summary>
    public Task<double> AcceptedAsync(CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (connection, transaction) =>
        {
            var gate = await connection.QuerySingleAsync<GateRow>("SELECT " + FleetSql.GateColumns + " FROM camb_fleet_gate WHERE id = 1", transaction: transaction);
            var limit = Http.GateRules.Increase(gate.Limit, gate.MaxLimit);
            await connection.ExecuteAsync("UPDATE camb_fleet_gate SET fleet_limit = @limit WHERE id = 1", new { limit }, transaction);
            return limit;
        }, holdGate: true, cancellationToken);

    /// <summary>Sets the fleet's ceiling on files at the vendor (and the limit, if it was above it).</summary>
    public Task<int> SetMaxLimitAsync(int maxLimit, CancellationToken cancellationToken) =>
        database.ExecuteAsync("UPDATE camb_fleet_gate SET max_limit = @maxLimit, fleet_limit = CASE WHEN fleet_limit > @maxLimit THEN @maxLimit ELSE fleet_limit END WHERE id = 1",
            new { maxLimit }, cancellationToken);
}
