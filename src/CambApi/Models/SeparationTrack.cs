namespace CambApi;

/// <summary>The two tracks a separation produces.</summary>
public enum SeparationTrack
{
    /// <summary>Speech, vocals or lead: <c>{name}.foreground.{ext}</c>.</summary>
    Foreground,

    /// <summary>Everything else: <c>{name}.background.{ext}</c>.</summary>
    Background,
}
