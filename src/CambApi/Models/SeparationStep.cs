namespace CambApi;

/// <summary>The three steps of a separation, in order.</summary>
public enum SeparationStep
{
    /// <summary>The input is being sent; <see cref="SeparateFileProgress.Transfer"/> has the bytes.</summary>
    Uploading,

    /// <summary>The service is working; <see cref="SeparateFileProgress.Status"/> has each status read.</summary>
    Processing,

    /// <summary>Both tracks are being fetched; <see cref="SeparateFileProgress.Transfer"/> has their bytes together.</summary>
    Downloading,
}
