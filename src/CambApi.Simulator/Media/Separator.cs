namespace CambApi.Simulator;

/// <summary>
/// Simple, honest separation. Stereo: the centre (mid) channel is the foreground, since a voice is usually
/// panned centre. Mono: a speech-band (300–3400 Hz) band-pass is the foreground. Either way the background is
/// the input minus the foreground, in integers, so the two add back to the input sample for sample.
/// </summary>
public static class Separator
{
    /// <summary>The two tracks of <paramref name="input"/>; they add back to it sample for sample.</summary>
    /// <param name="input">A 16- or 24-bit PCM recording.</param>
    public static (PcmWav Foreground, PcmWav Background) Separate(PcmWav input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var foreground = input.Channels >= 2 ? CentreChannel(input) : SpeechBand(input);
        var background = new int[input.Samples.Length];
        for (var i = 0; i < background.Length; i++)
        {
            background[i] = input.Samples[i] - foreground[i];
        }

        return (input with { Samples = foreground }, input with { Samples = background });
    }

    /// <summary>
    /// mid = ceil((L+R)/2) in every channel. With the ceiling, L − mid and R − mid stay within the sample range
    /// even for full-scale opposite samples, so the background never clips and the sum stays exact.
    /// </summary>
    private static int[] CentreChannel(PcmWav input)
    {
        var fg = new int[input.Samples.Length];
        for (var frame = 0; frame < input.FrameCount; frame++)
        {
            var i = frame * input.Channels;
            var sum = (long)input.Samples[i] + input.Samples[i + 1];
            var mid = (int)((sum + 1) >> 1); // ceil(sum / 2) for negative sums too
            for (var c = 0; c < input.Channels; c++)
            {
                fg[i + c] = c < 2 ? mid : 0; // channels past the stereo pair go wholly to the background
            }
        }

        return fg;
    }

    /// <summary>
    /// A 2nd-order band-pass (RBJ biquad, centre √(300·3400) Hz, Q for that band), each sample clamped so that
    /// the background (input − foreground) is representable too.
    /// </summary>
    private static int[] SpeechBand(PcmWav input)
    {
        var fg = new int[input.Samples.Length];
        var centre = Math.Sqrt(300.0 * 3400.0);
        var q = centre / (3400.0 - 300.0);
        var w0 = 2 * Math.PI * Math.Min(centre, input.SampleRate * 0.45) / input.SampleRate;
        var alpha = Math.Sin(w0) / (2 * q);
        var a0 = 1 + alpha;
        double b0 = alpha / a0, b2 = -alpha / a0, a1 = -2 * Math.Cos(w0) / a0, a2 = (1 - alpha) / a0;
        for (var c = 0; c < input.Channels; c++)
        {
            double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
            for (var frame = 0; frame < input.FrameCount; frame++)
            {
                var i = (frame * input.Channels) + c;
                double x = input.Samples[i];
                var y = (b0 * x) + (b2 * x2) - (a1 * y1) - (a2 * y2);
                (x2, x1, y2, y1) = (x1, x, y1, y);
                var low = Math.Max(input.MinValue, input.Samples[i] - input.MaxValue);
                var high = Math.Min(input.MaxValue, input.Samples[i] - input.MinValue);
                fg[i] = (int)Math.Clamp(Math.Round(y), low, high);
            }
        }

        return fg;
    }
}
