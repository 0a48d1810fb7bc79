namespace CambApi.Fleet;

/// <summary>A file as read, and the database's clock at the reading (Unix milliseconds).</summary>
internal sealed record FileReading(FleetFile File, long Now);
