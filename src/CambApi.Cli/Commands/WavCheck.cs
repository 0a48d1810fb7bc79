namespace CambApi.Cli.Commands;

/// <summary>For WAV, checks the vendor's promise: foreground + background == input, sample for sample.</summary>
internal static class WavCheck
{
    public static bool? SumsToInput(string input, SeparatedFiles files)
    {
        if (!input.EndsWith(".wav", StringComparison.OrdinalIgnoreCase) || !files.ForegroundPath.EndsWith(".wav", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var original = PcmWavReader.Read(File.ReadAllBytes(input)).Samples;
            var fg = PcmWavReader.Read(File.ReadAllBytes(files.ForegroundPath)).Samples;
            var bg = PcmWavReader.Read(File.ReadAllBytes(files.BackgroundPath)).Samples;
            return fg.Length == original.Length && bg.Length == original.Length && !original.Where((s, i) => fg[i] + bg[i] != s).Any();
        }
        catch (InvalidDataException)
        {
            return null; // not integer PCM (the real service may encode differently): nothing to compare
        }
    }
}
