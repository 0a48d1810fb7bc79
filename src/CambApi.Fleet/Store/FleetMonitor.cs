using Dapper;

namespace CambApi.Fleet;

/// <summary>
/// The store's read side (Hangfire's <c>IMonitoringApi</c> is the same role): one file, the list, what is left, the counts
/// for status and the dashboard, and how long processing takes. It changes nothing.
/// </summary>
internal sealed class FleetMonitor(FleetDatabase database)
{
    public Task<FleetFile?> GetAsync(string sha256, CancellationToken cancellationToken) =>
        database.SingleFileAsync($"SELECT {FleetSql.FileColumns} FROM camb_fleet_files WHERE sha256 = @sha256", new { sha256 }, cancellationToken);

    public Task<IReadOnlyList<FleetFile>> ListAsync(int max, CancellationToken cancellationToken) =>
        database.FilesAsync($"SELECT {FleetSql.FileColumns} FROM camb_fleet_files ORDER BY submitted_at, sha256 LIMIT @max", new { max }, cancellationToken);

    /// <summary>Files not yet done, failed or uncertain, fleet-wide: zero means there is nothing left to do.</summary>
    public async Task<long> UnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM camb_fleet_files WHERE state IN {FleetSql.Unfinished}");
    }

    public async Task<FleetStatus> StatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var counts = (await connection.QueryAsync<(string State, long Count)>("SELECT state, COUNT(*) FROM camb_fleet_files GROUP BY state"))
            .ToDictionary(c => FleetSql.Parse(c.State), c => (int)c.Count);
        var gate = (await connection.QuerySingleAsync<GateRow>("SELECT " + FleetSql.GateColumns + " FROM camb_fleet_gate WHERE id = 1")).ToState();
        var uncertain = (await connection.QueryAsync<FileRow>($"SELECT {FleetSql.FileColumns} FROM camb_fleet_files WHERE state = 'uncertain' ORDER BY submitted_at LIMIT 100"))
            .Select(r => r.ToFile()).ToList();
        var failures = (await connection.QueryAsync<(string Code, long Count)>(
                "SELECT COALESCE(error_code, 'unknown'), COUNT(*) FROM camb_fleet_files WHERE state = 'failed' GROUP BY COALESCE(error_code, 'unknown')"))
            .ToDictionary(f => f.Code, f => (int)f.Count);
        var inFlight = counts.Where(c => c.Key is FleetFileState.Admitted or FleetFileState.Uploading or FleetFileState.Processing).Sum(c => c.Value);
        return new FleetStatus(counts, inFlight, gate, uncertain, failures);
    }

    /// <summary>Seconds of processing per second of audio, over the last finished files that have both (null before three).</summary>
    public async Task<double?> ProcessingRateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rates = (await connection.QueryAsync<double>(
                "SELECT (processed_at - uploaded_at) / 1000.0 / audio_seconds FROM camb_fleet_files " +
                "WHERE processed_at IS NOT NULL AND uploaded_at IS NOT NULL AND audio_seconds > 0 ORDER BY processed_at DESC LIMIT 20"))
            .Order().ToList();
        return rates.Count < 3 ? null : rates[rates.Count / 2]; // the median: one outlier does not move the schedule
    }
}
