using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;

namespace CambApi.Fleet;

/// <summary>
/// A finished step's job is kept <see cref="Keep"/>, not Hangfire's day: a fleet makes a job per status read (a waiting
/// task is a chain of them), and a day of those is most of a worker's memory with the in-memory storage and most of the
/// database's rows with PostgreSQL. The row in the fleet's own table is the record that lasts.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
internal sealed class ShortLivedJobAttribute : JobFilterAttribute, IApplyStateFilter
{
    public static readonly TimeSpan Keep = TimeSpan.FromMinutes(1);

    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction) => context.JobExpirationTimeout = Keep;

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }
}
