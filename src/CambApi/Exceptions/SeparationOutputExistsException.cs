namespace CambApi;

/// <summary>
/// A track's destination is taken by a file the caller neither wrote nor allowed replacing (see
/// <see cref="SeparateFileOptions.Overwrite"/> and <see cref="SeparateFileOptions.MayReplace"/>). The file is left as it is
/// and nothing was downloaded. Found before anything is sent, <see cref="CambException.TaskId"/> is null; found when the
/// service had finished (the file appeared meanwhile), <see cref="CambException.RunId"/> says which run to download later.
/// </summary>
public sealed class SeparationOutputExistsException : CambException
{
    /// <summary>The file at <paramref name="path"/> would have been replaced.</summary>
    /// <param name="path">The existing file.</param>
    /// <param name="appearedMeanwhile">True when it appeared while the service worked (it was not there at the start).</param>
    public SeparationOutputExistsException(string path, bool appearedMeanwhile = false)
        : base(appearedMeanwhile
            ? $"'{path}' appeared while the service worked and was left as it is; pass overwrite to replace it."
            : $"'{path}' already exists; pass overwrite to replace it.")
    {
        Path = path;
        AppearedMeanwhile = appearedMeanwhile;
    }

    /// <summary>The existing file, untouched.</summary>
    public string Path { get; }

    /// <summary>True when the file appeared while the service worked; false when it was there before anything was sent.</summary>
    public bool AppearedMeanwhile { get; }

    /// <summary>False: trying again meets the same file.</summary>
    public override bool IsTransient => false;
}
