using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Takedown.Core.Common;
using Takedown.Web.People;

namespace Takedown.Web.Pages;

/// <summary>What every page shares: the signed-in person, field errors from use cases, and a one-shot notice.</summary>
public abstract class TakedownPageModel : PageModel
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    internal Person Me => Person.From(User) ?? throw new InvalidOperationException("This page requires a signed-in person.");

    /// <summary>A message shown once after a redirect (post/redirect/get).</summary>
    [TempData]
    public string? Notice { get; set; }

    /// <summary>A general error (no particular field), localised.</summary>
    public string? Failure { get; set; }

    public IReadOnlyList<string> ErrorsFor(params string[] fields) =>
        fields.SelectMany(f => _errors.TryGetValue(f, out var list) ? list : []).ToList();

    /// <summary>aria-invalid for an input: "true" when its field has errors.</summary>
    public string? Invalid(string field) => ErrorsFor(field).Count > 0 ? "true" : null;

    /// <summary>aria-describedby for an input: its error message, when there is one.</summary>
    public string? DescribedBy(string field, string id) => ErrorsFor(field).Count > 0 ? id + "-error" : null;

    public bool HasErrors => _errors.Count > 0 || Failure is not null;

    public IEnumerable<KeyValuePair<string, List<string>>> AllErrors => _errors;

    protected IStringLocalizer T => HttpContext.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();

    protected void AddError(string field, string message) =>
        (_errors.TryGetValue(field, out var list) ? list : _errors[field] = []).Add(message);

    /// <summary>Shows a use case's failure at the form's fields; <paramref name="fieldOf"/> maps API field names to inputs.</summary>
    protected void ShowError(Error error, Func<string, string>? fieldOf = null)
    {
        if (error.Fields is { Count: > 0 })
            foreach (var (field, messages) in error.Fields)
                foreach (var m in messages) AddError(fieldOf?.Invoke(field) ?? field, T[m]);
        else Failure = T[error.Detail ?? error.Title];
    }

    /// <summary>Not found, or not theirs: the same answer.</summary>
    protected IActionResult? NotFoundUnless(Error? error) => error?.Kind is ErrorKind.NotFound or ErrorKind.Forbidden ? NotFound() : null;

    public static string Utc(DateTimeOffset? t) => t is null ? "—" : t.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan d) => d.TotalHours >= 1
        ? string.Format(CultureInfo.InvariantCulture, "{0}h{1:00}", (int)d.TotalHours, d.Minutes)
        : string.Format(CultureInfo.InvariantCulture, "{0}:{1:00}", (int)d.TotalMinutes, d.Seconds);
}
