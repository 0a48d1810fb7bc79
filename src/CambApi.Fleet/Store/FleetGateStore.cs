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
    /// requests were refused in it, the limit comes down — for a refused upload, to what the vendor held (its task limit,
    /// <see cref="GateRules.Decrease(double, long)"/>), remembered for a while so the limit does not probe past it again at once;
    /// otherwise halved. A refused status read shows the vendor limits requests, not tasks: what was learned of its task
    /// limit is dropped, so a storm leaves no lesson behind. Admitted files over the new limit go back in line, so the fleet
    /// is over the limit for no longer than the pause.
    /// </summary>
    public Task<FleetGateState> ThrottledAsync(TimeSpan retryAfter, bool uploadRefused, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async session =>
        {
            var gate = await session.SingleAsync<GateRow>(FleetSql.ReadGate);
            var newPause = gate.PausedForMs <= 0;
            var limit = gate.Limit;
            var learned = false;
            if (newPause)
            {
                var held = uploadRefused ? await session.ScalarAsync<long>("SELECT COALESCE(SUM(files), 0) FROM camb_fleet_counts WHERE state = 'processing'") : 0;
                learned = uploadRefused && GateRules.Learns(gate.Limit, held);
                limit = GateRules.Decrease(gate.Limit, held);
            }

            var after = (long)retryAfter.TotalMilliseconds;
            var lesson = learned ? ", known_ceiling = @limit, ceiling_seen_at = {now}" : uploadRefused ? "" : ", known_ceiling = NULL, ceiling_seen_at = NULL";
            await session.ExecuteAsync(
                "UPDATE camb_fleet_gate SET fleet_limit = @limit, throttled = throttled + 1, " +
                "paused_until = CASE WHEN paused_until > {now} + @after THEN paused_until ELSE {now} + @after END" + lesson + " WHERE id = 1",
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

    /// <summary>
    /// An upload was accepted: the limit grows, up to the ceiling and, for a while, to where the vendor last refused — a lesson
    /// raised first if the vendor now holds more than it taught (<see cref="GateRules.CorrectedCeiling"/>), and aged by the
    /// upload (<see cref="GateRules.AgeingPerAcceptance"/>).
    /// </summary>
    public Task<double> AcceptedAsync(CancellationToken cancellationToken) =>
        database.InTransactionAsync(async session =>
        {
            var gate = await session.SingleAsync<GateRow>(FleetSql.ReadGate);
            var known = gate.KnownCeiling;
            var limit = gate.Limit;
            if (known is not null)
            {
                // This file's row is processing already: with it, the vendor holds at least this many.
                var held = await session.ScalarAsync<long>("SELECT COALESCE(SUM(files), 0) FROM camb_fleet_counts WHERE state = 'processing'");
                known = GateRules.CorrectedCeiling(known, held);
                if (known is { } raised && raised != gate.KnownCeiling)
                {
                    limit = Math.Min(gate.MaxLimit, Math.Max(limit, raised));
                }
            }

            limit = GateRules.Increase(limit, gate.MaxLimit, known, gate.CeilingAgeMs is { } age ? TimeSpan.FromMilliseconds(age) : null);
            var older = known is { } lesson ? (long)GateRules.AgeingPerAcceptance(lesson).TotalMilliseconds : 0;
            if (limit != gate.Limit || known != gate.KnownCeiling || older > 0)
            {
                await session.ExecuteAsync(
                    "UPDATE camb_fleet_gate SET fleet_limit = @limit, known_ceiling = @known, ceiling_seen_at = ceiling_seen_at - @older WHERE id = 1",
                    new { limit, known, older });
            }

            return limit;
        }, holdGate: true, cancellationToken);

    /// <summary>Sets the fleet's ceiling on files at the vendor (and the limit, if it was above it).</summary>
    public Task<int> SetMaxLimitAsync(int maxLimit, CancellationToken cancellationToken) =>
        database.ExecuteAsync("UPDATE camb_fleet_gate SET max_limit = @maxLimit, fleet_limit = CASE WHEN fleet_limit > @maxLimit THEN @maxLimit ELSE fleet_limit END WHERE id = 1",
            new { maxLimit }, cancellationToken);
}
