using System.Globalization;
using System.Text;

namespace Takedown.Core.Hashing;

/// <summary>
/// Reduces text to the words that carry it, so cheap evasions change nothing: NFKC, case folding,
/// diacritics and Arabic harakat removed, zero-width and direction characters removed, Arabic letter
/// variants unified (alef forms, alef maqsura to ya, ta marbuta to ha, tatweel), look-alike Cyrillic
/// and Greek letters mapped to Latin, look-alike digits inside words mapped to letters, and every run
/// of whitespace and punctuation collapsed to one space.
/// </summary>
public static class TextNormalizer
{
    private static readonly Dictionary<char, char> LookAlikes = Build();

    public static string Normalize(string text) => string.Join(' ', Words(text));

    /// <summary>The normalised words, in order.</summary>
    public static List<string> Words(string text)
    {
        var s = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var raw in s)
        {
            var ch = raw;
            if (IsInvisible(ch)) continue;
            var cat = CharUnicodeInfo.GetUnicodeCategory(ch);
            if (cat is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.SpacingCombiningMark) continue;
            if (ch == '\u0640') continue; // tatweel
            if (LookAlikes.TryGetValue(ch, out var mapped)) ch = mapped;
            if (char.IsLetterOrDigit(ch)) word.Append(ch);
            else Flush(word, words);
        }
        Flush(word, words);
        return words;
    }

    private static void Flush(StringBuilder word, List<string> words)
    {
        if (word.Length == 0) return;
        var hasLetter = false;
        for (var i = 0; i < word.Length; i++) if (char.IsLetter(word[i])) { hasLetter = true; break; }
        if (hasLetter)
            for (var i = 0; i < word.Length; i++)
                word[i] = word[i] switch { '0' => 'o', '1' => 'l', '3' => 'e', '4' => 'a', '5' => 's', '7' => 't', '8' => 'b', _ => word[i] };
        words.Add(word.ToString().Replace("ß", "ss", StringComparison.Ordinal));
        word.Clear();
    }

    private static bool IsInvisible(char ch) => ch is '\u00AD' or '\u034F' or '\u061C' or '\u115F' or '\u1160' or '\u17B4' or '\u17B5'
        or '\u180E' or (>= '\u200B' and <= '\u200F') or (>= '\u202A' and <= '\u202E') or (>= '\u2060' and <= '\u206F') or '\u3164' or '\uFEFF';

    private static Dictionary<char, char> Build()
    {
        var map = new Dictionary<char, char>();
        void Add(string from, string to) { for (var i = 0; i < from.Length; i++) map[from[i]] = to[i]; }
        // Cyrillic and Greek letters that look like Latin ones (lower case: folding came first).
        Add("аеорсухіјѕԁһкмтвнпӏԛԝґ", "aeopcyxijsdhkmtbhnlqwr");
        Add("αβεικνορτυχγ", "abeiknoptuxy");
        Add("ı", "i");
        // Arabic: alef forms, alef maqsura and Persian ya, ta marbuta, Persian kaf, Arabic-Indic digits.
        Add("ٱٲٳٵ", "اااا");
        Add("ىیۍې", "يييي");
        Add("ة", "ه");
        Add("کڪ", "كك");
        Add("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789");
        return map;
    }
}
