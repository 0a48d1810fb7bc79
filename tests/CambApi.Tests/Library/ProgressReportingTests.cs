namespace CambApi.Tests;

/// <summary>
/// Progress reports are spaced so that their number does not grow with the transfer (a user's Progress&lt;T&gt; posts
/// each one to the thread pool), yet the end, and any restart, are always reported.
/// </summary>
[TestFixture]
public sealed class ProgressReportingTests
{
    [TestCase(100_000L, 100)]
    [TestCase(1L << 30, 81_920)]
    public void Reports_of_a_known_total_stay_near_200_whatever_the_size(long total, int chunk)
    {
        var throttle = new ProgressThrottle(total);
        var reported = new List<long>();
        for (var position = 0L; position < total;)
        {
            position = Math.Min(total, position + chunk);
            if (throttle.ShouldReport(position))
            {
                reported.Add(position);
            }
        }

        Assert.That(reported, Has.Count.InRange(100, 202));
        Assert.That(reported[^1], Is.EqualTo(total));
        Assert.That(reported, Is.Ordered.Ascending);
    }

    [Test]
    public void A_restart_is_reported_at_once()
    {
        var throttle = new ProgressThrottle(1_000_000);
        Assert.That(throttle.ShouldReport(600_000), Is.True);
        Assert.That(throttle.ShouldReport(601_000), Is.False);

        Assert.That(throttle.ShouldReport(0), Is.True, "back to 0: the transfer started over");
    }

    [Test]
    public async Task A_stream_of_unknown_length_reports_its_last_byte_at_the_end()
    {
        var reports = new List<long>();
        var source = new ForwardOnly(new MemoryStream(new byte[(3 << 20) + 5]));
        await using var stream = new ProgressStream(source, new InlineProgress<long>(reports.Add), readSynchronously: false);

        await stream.CopyToAsync(Stream.Null);

        Assert.That(reports[^1], Is.EqualTo((3 << 20) + 5));
        Assert.That(reports, Has.Count.LessThanOrEqualTo(5), "one per MiB without a total, and the end");
    }

    [Test]
    public async Task A_file_upload_reports_every_byte_and_reads_without_the_thread_pool()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, new byte[1 << 20]);
            var reports = new List<long>();
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            await using var stream = new ProgressStream(file, new InlineProgress<long>(reports.Add), readSynchronously: true);
            var buffer = new byte[4096];

            var read = stream.ReadAsync(buffer);

            Assert.That(read.IsCompletedSuccessfully, Is.True, "a local file is read in place, not queued to the pool");
            Assert.That(await read, Is.EqualTo(4096));
            await stream.CopyToAsync(Stream.Null);
            Assert.That(reports[^1], Is.EqualTo(1 << 20));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class ForwardOnly(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 64 * 1024));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
