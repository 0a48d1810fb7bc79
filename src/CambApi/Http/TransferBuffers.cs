using System.Buffers;

namespace CambApi.Http;

/// <summary>
/// The copy buffers of uploads and downloads. Not <see cref="ArrayPool{T}.Shared"/>: it keeps a returned array in the
/// returning thread's own slot, and an async copy rents on one pool thread and returns on another, so the next
/// transfer often missed and allocated 64–128 KiB afresh (tests/CambApi.Benchmarks: 18–147 KiB per transfer, varying
/// from run to run). This pool's buckets are shared by every thread, so after the first transfer none allocates.
/// </summary>
internal static class TransferBuffers
{
    /// <summary>The size of every copy buffer: a whole number of pages, below the large-object heap's 85,000 bytes.</summary>
    public const int Size = 1 << 16;

    // Two tracks per separation, a few separations at once: beyond 16 buffers in use, the extra ones are allocated.
    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(maxArrayLength: Size, maxArraysPerBucket: 16);

    public static byte[] Rent() => Pool.Rent(Size);

    public static void Return(byte[] buffer) => Pool.Return(buffer);
}
