using CambApi.Http;

namespace CambApi.Fleet;

/// <summary>
/// The store's gate: the fleet-wide limit on files at the vendor, its ceiling, and the pause every worker honours — all
/// by the database's clock. Its row is the lock for every decision about room (admission, a refusal, an accepted upload).
/// </summary>
internal sealed class FleetGateStore(FleetDatabase database)
{
    public Task<FleetGateState> ReadAsync(CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async session => (await session.SingleAsync<GateRow>(FleetSql.ReadGate)).ToState(), cancellationToken);

    /// <summary>
    /// The vendor said "too many" (429/503 with Retry-After): every worker pauses until then; once per pause, however many
    /// requests were refused in it, the limit comes down to what the vendor held (<see cref="GateRules.Decrease(double, long)"/>),
    /// and admitted files over the new limit go back in line, so the fleet is over the limit for no longer than the pause.
    /// </summary>
    public Task<FleetGateState> ThrottledAsync(TimeSpan retryAfter, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async session =>
        {
            var gate = await session.SingleAsync<GateRow>(FleetSql.ReadGate);
            var newPause = gate.PausedForMs <= 0;
            var limit = gate.Limit;
            if (newPause)
            {
                var held = await session.ScalarAsync<long>("SELECT COALESCE(SUM(files), 0) FROM camb_fleet_counts WHERE state = 'processing'");
                limit = GateRules.Decrease(gate.Limit, held);
            }

            var after = (long)retryAfter.TotalMilliseconds;
            await session.ExecuteAsync(
                "UPDATE camb_fleet_gate SET fleet_limit = @limit, throttled = throttled + 1, " +
                "paused_until = CASE WHEN paused_until > {now} + @after THEN paused_until ELSE {now} + @after END" +
                (newPause ? ", known_ceiling = @limit, ceiling_seen_at = {now}" : "") + " WHERE id = 1",
                new { limit, after });
            await session.ExecuteAsync(
                "INSERT INTO camb_fleet_minutes (minute, refused) VALUES ({now} / 60000, 1) " +
                "ON CONFLICT (minute) DO UPDATE SET refused = camb_fleet_minutes.refused + 1");
            if (newPause)
            {
                var there = await session.ScalarAsync<long>($"SELECT COALESCE(SUM(files), 0) FROM camb_fleet_counts WHERE state IN {FleetSql.AtTheVendor}");
                var excess = there - GateRules.Room(limit);
                if (excess > 0)
                {
                    await session.ExecuteAsync(
                        "UPDATE camb_fleet_files SET state = 'new', updated_at = {now} WHERE sha256 IN " +
                        "(SELECT sha256 FROM camb_fleet_files WHERE state = 'admitted' ORDER BY submitted_at DESC, sha256 DESC LIMIT @excess)",
                        new { excess });
                }
            }

            return (await session.SingleAsync<GateRow>(FleetSql.ReadGate)).ToState();
        }, holdGate: true, cancellationToken);

    /// <summary>An upload was accepted: the limit grows, up to the ceiling and, for a while, to where the vendor last refused.</summary>
    public Task<double> AcceptedAsync(CancellationToken cancellationToken) =>
        database.InTransactionAsync(async session =>
        {
            var gate = await session.SingleAsync<GateRow>(FleetSql.ReadGate);
            var limit = GateRules.Increase(gate.Limit, gate.MaxLimit, gate.KnownCeiling,
                gate.CeilingAgeMs is { } age ? TimeSpan.FromMilliseconds(age) : null);
            if (limit != gate.Limit)
            {
                await session.ExecuteAsync("UPDATE camb_fleet_gate SET fleet_limit = @limit WHERE id = 1", new { limit });
            }

            return limit;
        }, holdGate: true, cancellationToken);

    /// <summary>Sets the fleet's ceiling on files at the vendor (and the limit, if it was above it).</summary>
    public Task<int> SetMaxLimitAsync(int maxLimit, CancellationToken cancellationToken) =>
        database.ExecuteAsync("UPDATE camb_fleet_gate SET max_limit = @maxLimit, fleet_limit = CASE WHEN fleet_limit > @maxLimit THEN @maxLimit ELSE fleet_limit END WHERE id = 1",
            new { maxLimit }, cancellationToken);
}
