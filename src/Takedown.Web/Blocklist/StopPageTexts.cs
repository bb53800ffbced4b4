namespace Takedown.Web.Blocklist;

/// <summary>The stop page's built-in texts, one set per language; the deployment's own texts (BlocklistOptions.StopPage) take precedence.</summary>
internal sealed record StopPageTexts(
    string Language, string Title, string Heading, string Decision, string Reason, string LegalBasisHeading, string LegalBasis,
    string AppealHeading, string AppealText, string CounterSpeechHeading, string CounterSpeechIntro, string NoTracking, string OtherLanguage)
{
    public static readonly StopPageTexts English = new(
        Language: "en",
        Title: "Access blocked",
        Heading: "Access to this site has been blocked",
        Decision: "The site you tried to reach was blocked by administrative decision of the competent public authority.",
        Reason: "It was found to host content that incites, glorifies or recruits for terrorism, and its host did not remove it when asked.",
        LegalBasisHeading: "Legal basis",
        LegalBasis: "The decision was taken under the national law on the administrative blocking of terrorist content; the site's address is reviewed at least every three months and unblocked when the content is gone.",
        AppealHeading: "How to appeal",
        AppealText: "If you are the publisher or host of this site, or you believe it was blocked in error, you may ask the authority that took the decision to review it, and challenge the decision before the administrative courts.",
        CounterSpeechHeading: "Looking for answers?",
        CounterSpeechIntro: "These organisations listen and offer other perspectives:",
        NoTracking: "This page sets no cookies, loads nothing from elsewhere and does not record who visits it.",
        OtherLanguage: "Français");

    public static readonly StopPageTexts French = new(
        Language: "fr",
        Title: "Accès bloqué",
        Heading: "L’accès à ce site a été bloqué",
        Decision: "Le site que vous avez tenté de consulter a été bloqué par décision administrative de l’autorité publique compétente.",
        Reason: "Il diffuse des contenus provoquant à des actes de terrorisme, en faisant l’apologie ou recrutant pour le terrorisme, et son hébergeur ne les a pas retirés lorsqu’il y a été invité.",
        LegalBasisHeading: "Fondement juridique",
        LegalBasis: "La décision a été prise en application de la loi nationale relative au blocage administratif des contenus terroristes ; l’adresse du site est réexaminée au moins tous les trois mois et débloquée lorsque le contenu a disparu.",
        AppealHeading: "Voies de recours",
        AppealText: "Si vous êtes l’éditeur ou l’hébergeur de ce site, ou si vous estimez que ce blocage est une erreur, vous pouvez demander à l’autorité qui a pris la décision de la réexaminer, et la contester devant la juridiction administrative.",
        CounterSpeechHeading: "Vous cherchez des réponses ?",
        CounterSpeechIntro: "Ces organisations vous écoutent et proposent d’autres regards :",
        NoTracking: "Cette page ne dépose aucun cookie, ne charge rien depuis un autre site et n’enregistre pas ses visiteurs.",
        OtherLanguage: "English");

    public static StopPageTexts For(string language) => language == "fr" ? French : English;
}
