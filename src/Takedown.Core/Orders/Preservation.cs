using System.Data.Common;
using Dapper;
using Takedown.Core.Common;

namespace Takedown.Core.Orders;

/// <summary>
/// Art. 6 TCO: removed or disabled content and its related data are preserved six months from the action. The period starts
/// when the platform acts on an item; the preservation columns of order_items are written only here. Who may extend or hold
/// it, and the sweep that ends it, are Accountability's (PreservationService).
/// </summary>
public static class Preservation
{
    public const int Months = 6;

    /// <summary>The one place the preservation period is computed.</summary>
    public static DateTimeOffset UntilAfter(DateTimeOffset actedAt) => actedAt.AddMonths(Months);

    internal static Task SetUntilAsync(DbConnection c, DbTransaction tx, string itemId, DateTimeOffset until) =>
        c.ExecuteAsync("UPDATE order_items SET preserve_until = @until WHERE id = @id", new { until = Time.Store(until), id = itemId }, tx);

    /// <summary>Sets the legal hold's reason, or releases it (null).</summary>
    internal static Task SetLegalHoldAsync(DbConnection c, DbTransaction tx, string itemId, string? reason) =>
        c.ExecuteAsync("UPDATE order_items SET legal_hold = @hold WHERE id = @id", new { hold = reason, id = itemId }, tx);

    /// <summary>Ends the item's preservation; false when it had already ended (another node swept it first).</summary>
    internal static async Task<bool> EndAsync(DbConnection c, DbTransaction tx, string itemId, DateTimeOffset now) =>
        await c.ExecuteAsync("UPDATE order_items SET preservation_ended_at = @now WHERE id = @id AND preservation_ended_at IS NULL",
            new { now = Time.Store(now), id = itemId }, tx) > 0;
}
