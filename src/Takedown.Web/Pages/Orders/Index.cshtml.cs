using Microsoft.AspNetCore.Mvc;
using Takedown.Core.Common;
using Takedown.Core.Orders;
using Takedown.Core.Organizations;
using Takedown.Core.Review;

namespace Takedown.Web.Pages.Orders;

/// <summary>The authority's desk (its orders) or the platform's inbox (open items by deadline, emergencies first).</summary>
public sealed class IndexModel(OrdersService orders, OrganizationsService organizations, ReviewService review, TimeProvider clock) : TakedownPageModel
{
    /// <summary>The inbox shows this many open review cases (the first in queue order); the API lists them all.</summary>
    public const int ReviewCasesShown = 20;

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

    /// <summary>The platform's open review cases next to its orders (null for an authority).</summary>
    public ReviewInbox? Review { get; private set; }

    public bool Truncated { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Status == "") Status = null;
        if (Kind is not null && !OrderKinds.All.Contains(Kind)) Kind = null;
        // The newest orders for the table; every order still owing an answer for the inbox, however old.
        var (all, truncated) = await CollectAsync(Status, newestFirst: true, ct);
        Truncated = truncated;
        var owing = new List<OrderView>();
        if (Status is null)
            foreach (var s in new[] { OrderStatuses.Overdue, OrderStatuses.Open })
                owing.AddRange((await CollectAsync(s, newestFirst: false, ct)).Orders);
        else owing = all;
        Now = Time.Now(clock);
        Orders = all.Where(o => Kind is null || o.Kind == Kind).ToList();
        OpenItems = owing.Where(o => Kind is null || o.Kind == Kind).DistinctBy(o => o.Id)
            .SelectMany(o => o.Items.Where(i => ItemStatuses.Open.Contains(i.Status) && i.DuplicateOf is null).Select(i => (o, i)))
            .OrderByDescending(x => x.o.Emergency).ThenBy(x => x.i.DueAt).ToList();
        if (Me.IsPlatform) Review = await review.InboxAsync(Me.Caller, ReviewCasesShown, ct);
        Names = await organizations.NamesAsync(Orders.Concat(owing).SelectMany(o => new[] { o.AuthorityId, o.PlatformId }), ct);
        return Page();
    }

    private async Task<(List<OrderView> Orders, bool Truncated)> CollectAsync(string? status, bool newestFirst, CancellationToken ct)
    {
        var all = new List<OrderView>();
        string? after = null;
        do
        {
            var page = await orders.ListAsync(Me.Caller, status, after, 200, ct, newestFirst);
            if (!page.IsSuccess)
            {
                ShowError(page.Error!);
                Status = null;
                break;
            }
            all.AddRange(page.Value.Data);
            after = page.Value.NextCursor;
        } while (after is not null && all.Count < MaxListed);
        return (all, after is not null);
    }

    public string NameOf(Guid id) => Names.TryGetValue(id, out var n) ? n : id.ToString();
}
