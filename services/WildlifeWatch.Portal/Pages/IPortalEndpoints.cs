namespace WildlifeWatch.Portal.Pages;

/// <summary>
/// One area of the portal (its pages and forms, or an API). <see cref="PortalApp.Areas"/> lists them; a new area is a
/// class implementing this and one line there (and a link in <see cref="Rendering.PortalLayout.Navigation"/>).
/// Every endpoint falls under the fallback policy (signed in) unless it names a stricter policy.
/// </summary>
public interface IPortalEndpoints
{
    void Map(IEndpointRouteBuilder routes);
}
