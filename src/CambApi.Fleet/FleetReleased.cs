namespace CambApi.Fleet;

/// <summary>A file a person released, as it was, and what it goes back to — which says whether it may be paid for again.</summary>
/// <param name="File">The file before the release (its state, its reason).</param>
/// <param name="Next">
/// <see cref="FleetFileState.Ready"/>: its run is known, it is downloaded; <see cref="FleetFileState.Processing"/>: its task is
/// known, it is read; <see cref="FleetFileState.New"/>: neither, it is uploaded again (and, if it was uncertain, may be charged twice).
/// </param>
public sealed record FleetReleased(FleetFile File, FleetFileState Next)
{
    /// <summary>True when the release uploads the file again although the service may have charged it already.</summary>
    public bool MayBeChargedTwice => Next == FleetFileState.New && File.State == FleetFileState.Uncertain;
}
