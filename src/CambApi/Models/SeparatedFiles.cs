namespace CambApi;

/// <summary>The two files a separation wrote.</summary>
public sealed record SeparatedFiles(string ForegroundPath, string BackgroundPath, SeparationResult Result);
