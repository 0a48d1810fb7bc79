namespace CambApi;

/// <summary>What a waiting operation reports: each status it sees, and when it will look again.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Status">The status just read.</param>
/// <param name="Changed">True when this status differs from the previous one.</param>
/// <param name="Elapsed">Time since waiting began.</param>
/// <param name="NextPollIn">The wait before the next poll; null when the status is terminal.</param>
public sealed record SeparationProgress(string TaskId, CambApi.Client.SeparationStatus Status, bool Changed, TimeSpan Elapsed, TimeSpan? NextPollIn);
