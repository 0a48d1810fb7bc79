namespace CambApi.SpecTools;

/// <summary>How a change lands on code that uses the client; the order is the report's (harshest first).</summary>
internal enum Impact
{
    /// <summary>Code that compiled or worked stops doing so.</summary>
    Breaking,

    /// <summary>
    /// A construct the spec tools do not classify: read it by hand. Counted with the breaking ones for the exit code
    /// (3), so an unknown change is never silently green.
    /// </summary>
    Unclassified,

    /// <summary>Still compiles and works, but behaves differently.</summary>
    Changed,

    /// <summary>
    /// Works as before; the vendor marks it deprecated, so consumers see <c>[Obsolete]</c> (CAMB0001) and should move off
    /// it before the vendor removes it.
    /// </summary>
    Deprecated,

    /// <summary>Documentation, or something new that nobody uses yet.</summary>
    NonBreaking,
}
