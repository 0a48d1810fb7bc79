namespace CambApi;

/// <summary>Optional fields of the create request.</summary>
public sealed record SeparationStartOptions
{
    /// <summary>The vendor's <c>project_name</c>: a name for the task in CAMB.AI's studio.</summary>
    public string? ProjectName { get; init; }

    /// <summary>The vendor's <c>project_description</c>.</summary>
    public string? ProjectDescription { get; init; }

    /// <summary>The vendor's <c>folder_id</c>: the studio folder the task is filed in.</summary>
    public long? FolderId { get; init; }

    /// <summary>Bytes of the file sent so far (restarts from 0 if the upload is retried).</summary>
    public IProgress<long>? UploadProgress { get; init; }
}
