namespace CambApi;

/// <summary>Bytes moved so far, and the total once the size is known.</summary>
public readonly record struct TransferProgress(long Bytes, long? TotalBytes);
