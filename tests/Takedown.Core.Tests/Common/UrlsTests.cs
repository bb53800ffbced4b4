using Takedown.Core.Common;

namespace Takedown.Core.Tests.Common;

public sealed class UrlsTests
{
    [Theory]
    [InlineData("https://Forum.Example/Path/", "https://forum.example/Path")]
    [InlineData("HTTPS://www.forum.example:443/a?b=1#frag", "https://forum.example/a?b=1")]
    [InlineData("http://forum.example:8080/", "http://forum.example:8080")]
    [InlineData("https://bücher.example/x", "https://xn--bcher-kva.example/x")]
    public void Canonical_FoldsSpellingsOfOneAddress(string input, string expected) =>
        Assert.Equal(expected, Urls.Canonical(input));

    [Theory]
    [InlineData("https://a.example/x", null)]
    [InlineData("", "is required")]
    [InlineData("mailto:x@y.z", "must use http or https")]
    [InlineData("a.example/x", "is not an absolute URL")]
    public void Problem_NamesWhatIsWrong(string input, string? expected) =>
        Assert.Equal(expected, Urls.Problem(input));
}
