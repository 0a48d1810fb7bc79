using CambApi.Simulator;

namespace CambApi.Tests;

/// <summary>Small, valid 16-bit PCM WAV inputs for tests that need real audio but not any particular sound.</summary>
internal static class TestAudio
{
    /// <summary>A short sawtooth-like clip: <paramref name="samples"/> values spread over the channels.</summary>
    public static byte[] Wav(int channels = 1, int sampleRate = 8000, int samples = 800) =>
        new PcmWav(sampleRate, channels, 16, Enumerable.Range(0, samples).Select(i => (i * 37 % 2000) - 1000).ToArray()).ToBytes();
}
