using System.Text.Encodings.Web;
using System.Text.Json;

namespace WildlifeWatch.Detection;

/// <summary>The one JSON shape of reasons and taxa, shared by <c>pipeline classify</c> output and stored scores.</summary>
public static class PredictionJson
{
    public static void WriteReasons(Utf8JsonWriter writer, IReadOnlyList<Reason> reasons)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(reasons);
        writer.WriteStartArray();
        foreach (var reason in reasons)
        {
            writer.WriteStartObject();
            writer.WriteString("kind", reason.Kind);
            writer.WriteString("feature", reason.Feature);
            writer.WriteNumber("contribution", reason.Contribution);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    public static void WriteTaxa(Utf8JsonWriter writer, IReadOnlyList<TaxonMatch> taxa)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(taxa);
        writer.WriteStartArray();
        foreach (var taxon in taxa)
        {
            writer.WriteStartObject();
            writer.WriteString("taxon", taxon.Taxon);
            writer.WriteString("appendix", taxon.Appendix);
            writer.WriteString("speciesGroup", taxon.SpeciesGroup);
            writer.WriteStartArray("terms");
            foreach (var term in taxon.Terms)
            {
                writer.WriteStringValue(term);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>The reasons alone as a JSON array, as a stored score carries them.</summary>
    public static string Reasons(IReadOnlyList<Reason> reasons)
    {
        using var buffer = new MemoryStream();
        // Terms stay readable in the store ("ngà voi", "象牙"), as in classify's output.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteReasons(writer, reasons);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
