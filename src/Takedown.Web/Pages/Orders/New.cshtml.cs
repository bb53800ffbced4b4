using Takedown.Core.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Takedown.Core.Orders;
using Takedown.Core.Platforms;

namespace Takedown.Web.Pages.Orders;

/// <summary>The new-order form: every field of the API, several URLs at once (one per line).</summary>
public sealed partial class NewModel(OrdersService orders, PlatformsService platforms) : TakedownPageModel
{
    public sealed class OrderForm
    {
        public string Kind { get; set; } = OrderKinds.RemovalOrder;
        public Guid? PlatformId { get; set; }
        public string? Reference { get; set; }
        public string? Urls { get; set; }
        public string? Reasons { get; set; }
        public List<string> ContentTypes { get; set; } = [];
        public string? LegalBasis { get; set; } = "Regulation (EU) 2021/784, Art. 3";
        public bool Emergency { get; set; }
        public string? ConfidentialUntil { get; set; }
        public string? Language { get; set; }
        public string? FollowUpContact { get; set; }
        public string? Redress { get; set; }
    }

    [BindProperty]
    public OrderForm Form { get; set; } = new();

    public IReadOnlyList<PlatformView> Platforms { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var lines = (Form.Urls ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        DateTimeOffset? confidential = null;
        if (!string.IsNullOrWhiteSpace(Form.ConfidentialUntil))
        {
            if (DateTime.TryParse(Form.ConfidentialUntil, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
                confidential = new DateTimeOffset(at, TimeSpan.Zero);
            else AddError("confidential_until", T["is not a date and time"]);
        }
        if (HasErrors)
        {
            await LoadAsync(ct);
            return Page();
        }
        var request = new CreateOrderRequest(Form.Kind, Form.PlatformId, Form.Reference, lines.Select(u => new CreateOrderItem(u, null, null)).ToList(),
            Form.Reasons, Form.ContentTypes, NullIfBlank(Form.LegalBasis), Form.Emergency, confidential, NullIfBlank(Form.Language),
            NullIfBlank(Form.FollowUpContact), NullIfBlank(Form.Redress));
        var result = await orders.CreateAsync(Me.Caller, request, ct);
        if (!result.IsSuccess)
        {
            ShowOrderError(result.Error!);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(ct);
            return Page();
        }
        Notice = string.Format(T["Order {0} issued."], result.Value.Reference);
        return Redirect($"/orders/{result.Value.Id}");
    }

    /// <summary>"items[1].url" is line 2 of the URL box; every terrorist_content_types[i] is the checkbox group.</summary>
    private void ShowOrderError(Takedown.Core.Common.Error error)
    {
        if (error.Fields is not { Count: > 0 })
        {
            ShowError(error);
            return;
        }
        foreach (var (field, messages) in error.Fields)
            foreach (var message in messages)
            {
                var m = ItemField().Match(field);
                if (m.Success && m.Groups[1].Success)
                    AddError("urls", string.Format(T["Line {0}: {1}"], int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + 1, T[message]));
                else if (m.Success) AddError("urls", T[message]);
                else if (field.StartsWith("terrorist_content_types", StringComparison.Ordinal)) AddError("terrorist_content_types", T[message]);
                else AddError(field, T[message]);
            }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var list = await platforms.ListAsync(Me.Caller, ct);
        Platforms = list.IsSuccess ? list.Value : [];
    }

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    [GeneratedRegex(@"^items(?:\[(\d+)\])?(?:\.url)?$")]
    private static partial Regex ItemField();
}
