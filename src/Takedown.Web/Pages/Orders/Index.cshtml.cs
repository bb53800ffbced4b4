using Microsoft.AspNetCore.Mvc;
using Takedown.Core.Common;
using Takedown.Core.Orders;
using Takedown.Core.Organizations;

namespace Takedown.Web.Pages.Orders;

/// <summary>The authority's desk (its orders) or the platform's inbox (open items by deadline, emergencies first).</summary>
public sealed class IndexModel(OrdersService orders, OrganizationsService organizations, TimeProvider clock) : TakedownPageModel
{
    /// <summary>At most this many orders are listed (the newest); the API pages through everything.</summary>
    public const int MaxListed = 1000;

    [FromQuery(Name = "status")]
    public string? Status { get; set; }

    [FromQuery(Name = "kind")]
    public string? Kind { get; set; }

    public IReadOnlyList<OrderView> Orders { get; private set; } = [];

    public IReadOnlyList<(OrderView Order, OrderItemView Item)> OpenItems { get; private set; } = [];

    public IReadOnlyDictionary<Guid, string> Names { get; private set; } = new Dictionary<Guid, string>();

    public DateTimeOffset Now { get; private set; }

    public bool Truncated { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Status == "") Status = null;
        if (Kind is not null && !OrderKinds.All.Contains(Kind)) Kind = null;
        var all = new List<OrderView>();
        string? after = null;
        do
        {
            var page = await orders.ListAsync(Me.Caller, Status, after, 200, ct);
            if (!page.IsSuccess)
            {
                ShowError(page.Error!);
                Status = null;
                break;
            }
            all.AddRange(page.Value.Data);
            after = page.Value.NextCursor;
        } while (after is not null && all.Count < MaxListed);
        Truncated = after is not null;
        Now = Time.Now(clock);
        Orders = all.Where(o => Kind is null || o.Kind == Kind).OrderByDescending(o => o.CreatedAt).ToList();
        OpenItems = Orders
            .SelectMany(o => o.Items.Where(i => ItemStatuses.Open.Contains(i.Status) && i.DuplicateOf is null).Select(i => (o, i)))
            .OrderByDescending(x => x.o.Emergency).ThenBy(x => x.i.DueAt).ToList();
        Names = await organizations.NamesAsync(Orders.SelectMany(o => new[] { o.AuthorityId, o.PlatformId }), ct);
        return Page();
    }

    public string NameOf(Guid id) => Names.TryGetValue(id, out var n) ? n : id.ToString();
}
