using System.Text;

namespace Takedown.Web.Tests.Infrastructure;

/// <summary>
/// Synthetic, neutral texts in English, French, Indonesian and Arabic (community notices and the
/// like), with the evasions a copier uses: word edits, wrapping in a longer post, zero-width
/// characters, look-alike letters and Arabic letter variants.
/// </summary>
internal static class SampleTexts
{
    private static readonly Dictionary<string, string> KnownTexts = new()
    {
        ["en"] = "The community garden on the north side of the river will open again next spring after the long repairs to the water system. " +
                 "Volunteers are asked to bring their own gloves and tools on the first Saturday of each month, when the beds are cleared and new seeds are planted. " +
                 "Children from the local school will help with the small vegetable patch near the gate, and the library has agreed to lend books about birds and insects. " +
                 "Anyone who wants a plot should write to the garden committee before the end of February with their name and the size of plot they need.",
        ["fr"] = "Le marché couvert de la place centrale rouvrira ses portes au début du mois prochain après six mois de travaux sur la toiture et l'éclairage. " +
                 "Les commerçants retrouveront leurs emplacements habituels, et une nouvelle allée sera réservée aux producteurs de fruits et de légumes de la région. " +
                 "La mairie rappelle que le stationnement sera gratuit le samedi matin et que des vélos pourront être garés devant l'entrée principale du bâtiment. " +
                 "Les habitants qui souhaitent proposer une animation pour l'inauguration peuvent écrire au service des fêtes avant la fin du mois de janvier.",
        ["id"] = "Perpustakaan umum di pusat kota akan dibuka kembali pada awal bulan depan setelah renovasi ruang baca dan sistem pendingin udara selesai dikerjakan. " +
                 "Para pengunjung dapat meminjam hingga lima buku sekaligus dengan kartu anggota yang baru, dan ruang anak akan dilengkapi dengan rak buku bergambar. " +
                 "Setiap hari Sabtu pagi akan diadakan kegiatan membaca bersama untuk keluarga, dan para relawan membantu warga yang ingin belajar menggunakan komputer. " +
                 "Warga yang ingin menyumbangkan buku bekas diminta menghubungi petugas perpustakaan sebelum akhir bulan dengan menyebutkan jumlah buku yang akan diberikan.",
        ["ar"] = "ستفتح المكتبة العامة في وسط المدينة أبوابها من جديد في بداية الشهر القادم بعد انتهاء أعمال الصيانة في قاعة القراءة ونظام التكييف. " +
                 "يمكن للزوار استعارة خمسة كتب في المرة الواحدة ببطاقة العضوية الجديدة، وستضم قاعة الأطفال رفوفا جديدة للكتب المصورة والقصص القصيرة. " +
                 "وفي صباح كل يوم سبت ستقام جلسة قراءة جماعية للعائلات، ويساعد المتطوعون السكان الذين يرغبون في تعلم استخدام الحاسوب والبحث عن المعلومات. " +
                 "وعلى السكان الذين يرغبون في التبرع بالكتب المستعملة التواصل مع موظفي المكتبة قبل نهاية الشهر مع ذكر عدد الكتب التي سيقدمونها.",
    };

    private static readonly Dictionary<string, string> UnrelatedTexts = new()
    {
        ["en"] = "The football club held its annual meeting in the old town hall last week, and members voted to repaint the changing rooms before the new season. " +
                 "The treasurer reported that ticket sales had risen slightly, while the coach asked for more evening training sessions for the youth teams during the winter months. " +
                 "A bake sale will be held at the ground on Sunday to raise money for new nets and a first aid kit for the junior players.",
        ["fr"] = "L'association des randonneurs organise chaque dimanche une sortie dans les collines au nord de la ville, avec un départ à huit heures devant la gare. " +
                 "Les nouveaux membres sont invités à prévoir de bonnes chaussures, une gourde et un pique-nique, car les parcours durent souvent toute la journée. " +
                 "En cas de pluie, la sortie est remplacée par une visite du musée d'histoire naturelle et un goûter offert par le club.",
        ["id"] = "Kelompok tani di desa sebelah mengadakan pelatihan tentang cara menanam padi dengan air yang lebih sedikit pada musim kemarau tahun ini. " +
                 "Para petani belajar membuat pupuk sendiri dari sisa dapur dan daun kering, lalu mencoba cara baru itu di sawah percontohan dekat balai desa. " +
                 "Hasil panen pertama akan dibagikan kepada warga dalam acara syukuran bersama pada akhir bulan depan.",
        ["ar"] = "نظم نادي كرة القدم في الحي مباراة ودية يوم الجمعة الماضي بين فريق الشباب وفريق المدرسة الثانوية، وحضر عدد كبير من الأهالي لتشجيع اللاعبين. " +
                 "وأعلن المدرب أن التدريبات ستقام مساء كل ثلاثاء وخميس في الملعب البلدي، وأن النادي يبحث عن متطوعين لتنظيم الرحلات والمباريات. " +
                 "وسيخصص ريع بيع التذاكر لشراء كرات جديدة وملابس رياضية للفرق الصغيرة.",
    };

    private static readonly Dictionary<string, string[]> Fillers = new()
    {
        ["en"] = ["yesterday", "quietly", "several", "blue", "window", "market", "careful", "station", "evening", "paper", "kitchen", "bridge"],
        ["fr"] = ["hier", "doucement", "plusieurs", "bleu", "fenêtre", "boulangerie", "prudent", "gare", "soirée", "papier", "cuisine", "pont"],
        ["id"] = ["kemarin", "pelan", "beberapa", "biru", "jendela", "pasar", "hati", "stasiun", "malam", "kertas", "dapur", "jembatan"],
        ["ar"] = ["أمس", "بهدوء", "عدة", "أزرق", "نافذة", "سوق", "حذر", "محطة", "مساء", "ورقة", "مطبخ", "جسر"],
    };

    public static string Known(string language) => KnownTexts[language];

    public static string Unrelated(string language) => UnrelatedTexts[language];

    /// <summary>The text with this share of its words replaced by other words.</summary>
    public static string EditWords(string text, double share, int seed)
    {
        var words = text.Split(' ');
        var rng = new Random(seed);
        var language = KnownTexts.FirstOrDefault(kv => kv.Value == text).Key ?? "en";
        var fillers = Fillers.TryGetValue(language, out var f) ? f : Fillers["en"];
        foreach (var i in Enumerable.Range(0, words.Length).OrderBy(_ => rng.Next()).Take((int)Math.Round(words.Length * share)))
            words[i] = fillers[rng.Next(fillers.Length)];
        return string.Join(' ', words);
    }

    /// <summary>The text inside a post about as long again (other text before and after).</summary>
    public static string Wrap(string language, string text)
    {
        var other = UnrelatedTexts[language];
        var half = other.Length / 2;
        var cut = other.IndexOf(' ', half);
        return other[..cut] + "\n\n" + text + "\n\n" + other[cut..];
    }

    /// <summary>Zero-width characters between letters, look-alike Cyrillic letters, digits for letters, odd spacing; Arabic gets tatweel, harakat and letter variants.</summary>
    public static string Disguise(string text)
    {
        var sb = new StringBuilder();
        var i = 0;
        foreach (var ch in text)
        {
            i++;
            var c = ch switch
            {
                'a' when i % 3 == 0 => 'а', // Cyrillic
                'e' when i % 2 == 0 => 'е',
                'o' when i % 4 == 0 => '0',
                'p' => 'р',
                'c' => 'с',
                'ا' when i % 3 == 0 => 'أ',
                'ي' when i % 2 == 0 => 'ى',
                'ه' when i % 2 == 0 => 'ة',
                _ => char.IsLetter(ch) && i % 5 == 0 ? char.ToUpperInvariant(ch) : ch,
            };
            sb.Append(c);
            if (i % 7 == 0 && char.IsLetter(ch)) sb.Append(i % 14 == 0 ? '\u200B' : '\u200D');
            if (ch is >= '\u0621' and <= '\u064A' && i % 6 == 0) sb.Append('\u0640').Append('\u064E');
            if (ch == ' ' && i % 9 == 0) sb.Append(" .. ");
        }
        return sb.ToString();
    }

    /// <summary>Unrelated generated texts (fixed seed): 40 to 120 words drawn from the sample vocabulary of all languages, commonest words most often.</summary>
    public static List<string> Corpus(int count, int seed)
    {
        var vocabulary = KnownTexts.Values.Concat(UnrelatedTexts.Values).Concat(Fillers.Values.SelectMany(x => x))
            .SelectMany(t => t.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(w => w.Trim('.', ',', '\'')).Where(w => w.Length > 0)
            .GroupBy(w => w).OrderByDescending(g => g.Count()).Select(g => g.Key).ToArray();
        var rng = new Random(seed);
        var texts = new List<string>(count);
        for (var t = 0; t < count; t++)
        {
            var n = 40 + rng.Next(81);
            var words = new string[n];
            for (var i = 0; i < n; i++)
            {
                // Zipf-like: rank ~ vocabulary * u^3 makes the commonest words frequent.
                var u = rng.NextDouble();
                words[i] = vocabulary[(int)(vocabulary.Length * u * u * u)];
            }
            texts.Add(string.Join(' ', words));
        }
        return texts;
    }
}
