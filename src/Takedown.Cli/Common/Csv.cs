using System.Text;

namespace Takedown.Cli.Common;

/// <summary>RFC 4180 CSV: quoted fields with doubled quotes, commas and line breaks inside quotes.</summary>
internal static class Csv
{
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>The records of a CSV text; the first is the header.</summary>
    public static IEnumerable<List<string>> Read(TextReader reader)
    {
        var record = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"') { field.Append('"'); reader.Read(); }
                    else quoted = false;
                }
                else field.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { record.Add(field.ToString()); field.Clear(); }
            else if (ch == '\n' || ch == '\r')
            {
                if (ch == '\r' && reader.Peek() == '\n') reader.Read();
                record.Add(field.ToString());
                field.Clear();
                if (record.Count > 1 || record[0].Length > 0) yield return record;
                record = [];
                any = false;
            }
            else field.Append(ch);
        }
        if (any)
        {
            record.Add(field.ToString());
            yield return record;
        }
    }
}
