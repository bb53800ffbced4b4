using System.Collections;
using System.Globalization;
using System.Resources;
using Takedown.Web;

namespace Takedown.Web.Tests.Pages;

public sealed class ResourcesTests
{
    private static Dictionary<string, string> Load(string culture)
    {
        var manager = new ResourceManager("Takedown.Web.Resources.SharedResource", typeof(SharedResource).Assembly);
        var set = manager.GetResourceSet(culture.Length == 0 ? CultureInfo.InvariantCulture : new CultureInfo(culture), true, false)!;
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
    }

    [Fact]
    public void French_TranslatesEveryEnglishText_AndNothingElse()
    {
        var en = Load("");
        var fr = Load("fr");
        Assert.True(en.Count > 150);
        Assert.Empty(en.Keys.Except(fr.Keys));
        Assert.Empty(fr.Keys.Except(en.Keys));
        Assert.All(fr, e => Assert.False(string.IsNullOrWhiteSpace(e.Value), e.Key));
        // Placeholders survive translation.
        Assert.All(en.Where(e => e.Value.Contains('{')), e =>
            Assert.Equal(System.Text.RegularExpressions.Regex.Matches(e.Value, @"\{\d\}").Count, System.Text.RegularExpressions.Regex.Matches(fr[e.Key], @"\{\d\}").Count));
    }
}
