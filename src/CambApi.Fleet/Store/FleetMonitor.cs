namespace CambApi.Fleet;

/// <summary>
/// The store's read side (Hangfire's <c>IMonitoringApi</c> is the same role): one file, the list, what is left, the counts
/// for status and the dashboard, and how long processing takes. It changes nothing, and every read is served by an index
/// or by the counts the triggers keep (<see cref="FleetSchema"/>), so it costs the same at a million rows as at ten.
/// </summary>
internal sealed class FleetMonitor(FleetDatabase database)
{
    public Task<FleetFile?> GetAsync(string sha256, CancellationToken cancellationToken) =>
        database.SingleFileAsync($"SELECT {FleetSql.FileColumns} FROM camb_fleet_files WHERE sha256 = @sha256", new { sha256 }, cancellationToken);

    /// <summary>One file and the database's time of the reading, for a step that schedules by it.</summary>
    public Task<FileReading?> ReadAsync(string sha256, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async session =>
        {
            var row = (await session.QueryAsync<FileRow>($"SELECT {FleetSql.FileColumns}, {{now}} AS ReadAt FROM camb_fleet_files WHERE sha256 = @sha256", new { sha256 }))
                .SingleOrDefault();
            return row is null ? null : new FileReading(row.ToFile(), row.ReadAt);
        }, cancellationToken);

    public Task<IReadOnlyList<FleetFile>> ListAsync(int max, CancellationToken cancellationToken) =>
        database.FilesAsync($"SELECT {FleetSql.FileColumns} FROM camb_fleet_files ORDER BY submitted_at, sha256 LIMIT @max", new { max }, cancellationToken);

    /// <summary>Files not yet done, failed or uncertain, fleet-wide: zero means there is nothing left to do.</summary>
    public Task<long> UnfinishedAsync(CancellationToken cancellationToken) =>
        database.ScalarAsync<long>($"SELECT COALESCE(SUM(files), 0) FROM camb_fleet_counts WHERE state IN {FleetSql.Unfinished}", null, cancellationToken);

    public Task<FleetStatus> StatusAsync(CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async session =>
        {
            var rows = (await session.QueryAsync<(string State, string Reason, long Files)>("SELECT state, reason, files FROM camb_fleet_counts WHERE files > 0")).ToList();
            var counts = rows.GroupBy(r => FleetSql.Parse(r.State)).ToDictionary(g => g.Key, g => (int)g.Sum(r => r.Files));
            var failures = rows.Where(r => r.State == "failed").ToDictionary(r => r.Reason, r => (int)r.Files);
            var gate = (await session.SingleAsync<GateRow>(FleetSql.ReadGate)).ToState();
            var uncertain = await session.FilesAsync($"SELECT {FleetSql.FileColumns} FROM camb_fleet_files WHERE state = 'uncertain' ORDER BY submitted_at LIMIT 100");
            var inFlight = counts.Where(c => c.Key is FleetFileState.Admitted or FleetFileState.Uploading or FleetFileState.Processing).Sum(c => c.Value);
            return new FleetStatus(counts, inFlight, gate, uncertain, failures);
        }, cancellationToken);

    /// <summary>
    /// Seconds of processing per second of audio, over the last twenty finished files that have both (null before three):
    /// read through the index on the finishing time, newest first, so it is twenty rows whatever the table holds.
    /// </summary>
    /// <remarks>
    /// A status read is never early: a task ended somewhere between the last read that found it pending (or its upload) and
    /// the read that found it done, so each file counts the middle of that span, and the fleet takes the lower quartile.
    /// Every delay a fault adds (an outage, a storm, a frozen worker) lands at the high end, and a prediction that ran long
    /// halves itself with the next file it finds already done: a fault's aftermath does not stretch the next files' schedule.
    /// </remarks>
    public Task<double?> ProcessingRateAsync(CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async session =>
        {
            var rates = (await session.QueryAsync<double>(
                    "SELECT ((CASE WHEN last_pending_at > uploaded_at THEN last_pending_at ELSE uploaded_at END + processed_at) / 2.0 - uploaded_at) / 1000.0 / audio_seconds " +
                    "FROM camb_fleet_files WHERE processed_at IS NOT NULL AND uploaded_at IS NOT NULL AND audio_seconds > 0 AND processed_at > uploaded_at " +
                    "ORDER BY processed_at DESC LIMIT 20"))
                .Order().ToList();
            return rates.Count < 3 ? (double?)null : rates[rates.Count / 4];
        }, cancellationToken);
}
