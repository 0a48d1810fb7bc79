namespace CambApi;

/// <summary>Reports on the caller's thread: <see cref="Progress{T}"/> would post to the pool and reorder reports.</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
