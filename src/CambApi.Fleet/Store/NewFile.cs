namespace CambApi.Fleet;

/// <summary>A file to register: its content hash and where it goes.</summary>
internal sealed record NewFile(string Sha256, string InputPath, string FileName, string OutDir, string OutputName, long SizeBytes, double? AudioSeconds);
