using WildlifeWatch.Portal.Rendering;
using WildlifeWatch.Store;

namespace WildlifeWatch.Portal.Pages;

/// <summary>An evidence package as a download; <see cref="EvidencePackage"/> builds it and audits the export.</summary>
internal static class EvidenceDownload
{
    public static async Task<IResult> ExportAsync(HttpContext context, IPipelineStore store, TimeProvider time, IReadOnlyList<string> listingIds, string? caseName, string fileName)
    {
        var buffer = new MemoryStream();
        try
        {
            await new EvidencePackage(store, time).ExportAsync(listingIds, buffer, PortalActor.Of(context.User), caseName, context.RequestAborted);
        }
        catch (EvidenceIntegrityException e)
        {
            await buffer.DisposeAsync();
            return await PortalLayout.ErrorAsync(context, StatusCodes.Status409Conflict, "The evidence no longer matches its hashes and is not packaged: " + e.Message);
        }

        buffer.Position = 0;
        return Results.File(buffer, "application/zip", fileName);
    }
}
