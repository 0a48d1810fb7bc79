using System.Globalization;

namespace CambApi.Tests;

/// <summary>One fault: what, when from the start, for how long, and against which worker (or input file).</summary>
internal sealed record NemesisFault(NemesisFaultKind Kind, TimeSpan At, TimeSpan Length, int Target)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Kind} {(Kind == NemesisFaultKind.ChangeInput ? "file" : "worker")} {Target} at {At.TotalSeconds:0.0} s for {Length.TotalSeconds:0.0} s");
}
