namespace CambApi.Cli.Check;

/// <summary>One way a live answer differs from openapi/, from the client's side, in the spec-update report's words.</summary>
/// <param name="Breaking">True: a caller's code stops working (BREAKING); false: CHANGED.</param>
/// <param name="Operation">"GET /audio-separation/{task_id}".</param>
internal sealed record DriftFinding(bool Breaking, string Operation, string Detail)
{
    public override string ToString() => $"{(Breaking ? "BREAKING" : "CHANGED"),-14}{Operation}: {Detail}";
}
