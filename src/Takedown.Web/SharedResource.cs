namespace Takedown.Web;

/// <summary>Anchors the one resource file of the web interface: Resources/SharedResource(.fr).resx.</summary>
public sealed class SharedResource;
