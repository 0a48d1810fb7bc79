namespace CambApi.SpecTools;

/// <summary>One line of the report.</summary>
/// <param name="Subject">What changed: an operation (<c>GET /x</c>), a schema or field (<c>schema X.y</c>), a scheme.</param>
/// <param name="Detail">What happened to it, old → new.</param>
internal sealed record Change(Impact Impact, string Subject, string Detail)
{
    /// <summary>A name (wire or C#) that no longer exists after the change; the report lists what still uses it.</summary>
    public string? Gone { get; init; }

    /// <summary>The C# name the vendor now deprecates; the report lists where our code and tests still use it.</summary>
    public string? DeprecatedName { get; init; }

    public static string Label(Impact impact) => impact switch
    {
        Impact.Breaking => "BREAKING",
        Impact.Unclassified => "UNCLASSIFIED",
        Impact.Changed => "CHANGED",
        Impact.Deprecated => "DEPRECATED",
        _ => "NON-BREAKING",
    };

    public override string ToString() => $"{Label(Impact),-13} {Subject}: {Detail}";
}
