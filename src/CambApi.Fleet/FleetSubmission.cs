namespace CambApi.Fleet;

/// <summary>What a submission registered.</summary>
/// <param name="Added">Files new to the fleet.</param>
/// <param name="AlreadyKnown">Files whose content the fleet already had (registered once, never uploaded twice).</param>
/// <param name="Skipped">Files in the given folders that are not supported audio.</param>
public sealed record FleetSubmission(int Added, int AlreadyKnown, IReadOnlyList<string> Skipped);
