"""Crisis lines by region (copied from docs/clinical/CRISIS_LINES.md, verified lines only)."""

from .resource import (
    ELSEWHERE,
    EU_112,
    FIND_A_HELPLINE,
    NOT_AN_EMERGENCY_SERVICE,
    SAMARITANS_116,
    Resource,
    emergency,
)

REGIONS: dict[str, tuple[str, tuple[Resource, ...]]] = {
    "US": (
        "United States",
        (
            Resource("988 Suicide & Crisis Lifeline", "[call or text 988](tel:988)"),
            Resource("988 Lifeline chat", "[988lifeline.org](https://988lifeline.org)"),
            Resource(
                "Veterans Crisis Line",
                "call [988 and press 1](tel:988), or text [838255](sms:838255)",
            ),
            Resource("Crisis Text Line", "text HOME to [741741](sms:741741?body=HOME)"),
            emergency("[911](tel:911)"),
        ),
    ),
    "CA": (
        "Canada",
        (
            Resource(
                "9-8-8: Suicide Crisis Helpline",
                "call or text [9-8-8](tel:988), English and French",
            ),
            emergency("[911](tel:911)"),
        ),
    ),
    "UK": (
        "United Kingdom",
        (
            Resource("Samaritans", "call [116 123](tel:116123), free from landlines and mobiles"),
            Resource("Shout", "text SHOUT to [85258](sms:85258?body=SHOUT)"),
            emergency("[999](tel:999)"),
        ),
    ),
    "IE": (
        "Ireland",
        (
            Resource("Samaritans", SAMARITANS_116),
            emergency("[112](tel:112) or [999](tel:999)"),
        ),
    ),
    "AU": (
        "Australia",
        (
            Resource(
                "Lifeline",
                "call [13 11 14](tel:131114); text [0477 13 11 14](sms:0477131114); "
                "chat on [lifeline.org.au](https://lifeline.org.au)",
            ),
            emergency("[000](tel:000) ([112](tel:112) from mobiles)"),
        ),
    ),
    "NZ": (
        "New Zealand",
        (
            Resource("Need to Talk?", "free call or text [1737](tel:1737)"),
            Resource(
                "Lifeline Aotearoa",
                "[0800 543 354](tel:0800543354) or text HELP to [4357](sms:4357?body=HELP)",
            ),
            Resource("Suicide Crisis Helpline", "[0508 828 865](tel:0508828865) (0508 TAUTOKO)"),
            emergency("[111](tel:111)"),
        ),
    ),
    "DE": (
        "Germany",
        (
            Resource(
                "TelefonSeelsorge",
                "call [0800 111 0 111](tel:08001110111), [0800 111 0 222](tel:08001110222) or "
                "[116 123](tel:116123), free; chat and mail at "
                "[online.telefonseelsorge.de](https://online.telefonseelsorge.de)",
            ),
            EU_112,
        ),
    ),
    "FR": (
        "France",
        (
            Resource(
                "3114, numéro national de prévention du suicide",
                "call [3114](tel:3114), free, mainland and overseas",
            ),
            emergency("[112](tel:112); SAMU [15](tel:15)"),
        ),
    ),
    "ES": (
        "Spain",
        (
            Resource("024, Línea de atención a la conducta suicida", "call [024](tel:024), free"),
            Resource("Teléfono de la Esperanza", "[717 003 717](tel:717003717)"),
            EU_112,
        ),
    ),
    "IT": (
        "Italy",
        (
            Resource(
                "Telefono Amico Italia (volunteer; no national public suicide line found)",
                "call [02 2327 2327](tel:0223272327), daily 09:00-24:00",
            ),
            Resource("Telefono Azzurro (young people)", "[19696](tel:19696)"),
            EU_112,
        ),
    ),
    "NL": (
        "Netherlands",
        (
            Resource(
                "113 Zelfmoordpreventie",
                "call [113](tel:113) or [0800-0113](tel:08000113), free; chat "
                "[113.nl](https://113.nl)",
            ),
            EU_112,
        ),
    ),
    "BE": (
        "Belgium",
        (
            Resource(
                "Zelfmoordlijn 1813 (Dutch)",
                "call [1813](tel:1813), free; chat at [zelfmoord1813.be](https://zelfmoord1813.be)",
            ),
            Resource(
                "Centre de Prévention du Suicide (French)",
                "[0800 32 123](tel:080032123), free; English line [02 648 40 14](tel:026484014)",
            ),
            EU_112,
        ),
    ),
    "AT": (
        "Austria",
        (
            Resource("TelefonSeelsorge", "call [142](tel:142), free; chat 16:00-23:00"),
            Resource("Rat auf Draht (young people)", "[147](tel:147)"),
            emergency("[112](tel:112); Rettung [144](tel:144)"),
        ),
    ),
    "CH": (
        "Switzerland",
        (
            Resource("Die Dargebotene Hand", "call [143](tel:143), free; chat and mail"),
            Resource("Pro Juventute (young people)", "[147](tel:147) (phone, SMS, chat)"),
            emergency(
                "[144](tel:144) ambulance; [117](tel:117) police; [118](tel:118) fire; "
                "[112](tel:112)"
            ),
        ),
    ),
    "SE": (
        "Sweden",
        (
            Resource(
                "Mind Självmordslinjen", "call [90101](tel:90101); chat [mind.se](https://mind.se)"
            ),
            EU_112,
        ),
    ),
    "NO": (
        "Norway",
        (
            Resource(
                "Mental Helse Hjelpetelefonen",
                "call [116 123](tel:116123), free; chat [sidetmedord.no](https://sidetmedord.no)",
            ),
            Resource(
                "Kirkens SOS",
                "call [22 40 00 40](tel:22400040); chat [soschat.no](https://soschat.no)",
            ),
            emergency("[113](tel:113) (medical)"),
        ),
    ),
    "DK": ("Denmark", (Resource("Livslinien", "call [70 201 201](tel:70201201)"), EU_112)),
    "FI": (
        "Finland",
        (
            Resource(
                "MIELI Kriisipuhelin",
                "Finnish [09 2525 0111](tel:0925250111), 24/7; Swedish "
                "[09 2525 0112](tel:0925250112); Ukrainian [09 2525 0114](tel:0925250114); "
                "Russian [09 2525 0115](tel:0925250115); English [09 2525 0116](tel:0925250116) "
                "(Fri 09:00-13:00); operator call rates",
            ),
            EU_112,
        ),
    ),
    "PL": (
        "Poland",
        (
            Resource(
                "Centrum Wsparcia (adults in crisis)",
                "[800 70 2222](tel:800702222), 24/7; chat and e-mail",
            ),
            Resource(
                "Kryzysowy Telefon Zaufania",
                "[116 123](tel:116123), free, 7 days a week from 14:00",
            ),
            EU_112,
        ),
    ),
    "PT": (
        "Portugal",
        (
            Resource("Linha Nacional de Prevenção do Suicídio", "call [1411](tel:1411), 24 h"),
            Resource(
                "SNS 24 psychological counselling",
                "[808 24 24 24](tel:808242424), option 4, 24/7",
            ),
            Resource(
                "SOS Voz Amiga",
                "[213 544 545](tel:213544545), [912 802 669](tel:912802669), "
                "[963 524 660](tel:963524660), [930 712 500](tel:930712500); free "
                "[800 100 441](tel:800100441); 15:30-00:30",
            ),
            EU_112,
        ),
    ),
    "IN": (
        "India",
        (
            Resource(
                "Tele-MANAS",
                "call [14416](tel:14416) or [1-800-891-4416](tel:18008914416), toll-free, "
                "20 languages",
            ),
            emergency("[112](tel:112)"),
        ),
    ),
    "JP": (
        "Japan",
        (
            Resource(
                "よりそいホットライン (Yorisoi Hotline)",
                "[0120-279-338](tel:0120279338), free, 24 h",
            ),
            Resource(
                "#いのちSOS",
                "[0120-061-338](tel:0120061338), free; Mon/Thu/Fri 24 h, other days 06:00-24:00",
            ),
            Resource(
                "いのちの電話 (Inochi no Denwa)",
                "free dial [0120-783-556](tel:0120783556): 24 h on the 10th of each month and "
                "campaign weeks",
            ),
            emergency("[119](tel:119) ambulance and fire; [110](tel:110) police"),
        ),
    ),
    "KR": (
        "South Korea",
        (
            Resource("자살예방상담전화 (suicide prevention line)", "call [109](tel:109), 24 h"),
            emergency("[119](tel:119) ambulance and fire; [112](tel:112) police"),
        ),
    ),
    "BR": (
        "Brazil",
        (
            Resource(
                "CVV Centro de Valorização da Vida",
                "call [188](tel:188), free, 24 h; chat and e-mail at [cvv.org.br](https://cvv.org.br)",
            ),
            emergency("[192](tel:192) SAMU; [190](tel:190) police; [193](tel:193) fire"),
        ),
    ),
    "MX": (
        "Mexico",
        (
            Resource("Línea de la Vida", "[800 911 2000](tel:8009112000), free, 24 h, 365 days"),
            emergency("[911](tel:911)"),
        ),
    ),
    "ZA": (
        "South Africa",
        (
            Resource(
                "SADAG",
                "Suicide Crisis Line [0800 567 567](tel:0800567567); 24-hour helpline "
                "[0800 456 789](tel:0800456789); SMS [31393](sms:31393) (call-back)",
            ),
            emergency(
                "[112](tel:112) from mobiles; [10111](tel:10111) police; "
                "[10177](tel:10177) ambulance"
            ),
        ),
    ),
    "SG": (
        "Singapore",
        (
            Resource("Samaritans of Singapore", "call [1767](tel:1767)"),
            Resource("National Mindline", "call [1771](tel:1771); web chat"),
            emergency("[995](tel:995) ambulance and fire"),
        ),
    ),
    "PH": (
        "Philippines",
        (
            Resource(
                "NCMH Crisis Hotline",
                "[1553](tel:1553); [0919-057-1553](tel:09190571553); "
                "[0917-899-8727](tel:09178998727)",
            ),
            emergency("[911](tel:911)"),
        ),
    ),
    "IL": (
        "Israel",
        (
            Resource("ERAN (emotional first aid)", "call [1201](tel:1201); internet chat"),
            emergency("[101](tel:101) MDA ambulance; [100](tel:100) police; [102](tel:102) fire"),
        ),
    ),
    "OTHER": ("Elsewhere", ()),
}
# For pickers: countries by name, "Elsewhere" last.
REGION_CHOICES = sorted(
    ((code, name) for code, (name, _) in REGIONS.items()),
    key=lambda choice: (choice[0] == "OTHER", choice[1]),
)


def resources_for(region: str | None) -> dict:
    """Return the crisis resources for a region (unknown regions get the international list)."""
    code = region if region in REGIONS else "OTHER"
    name, local = REGIONS[code]
    # People travel: every national list ends with the international directory too.
    tail = ELSEWHERE if code == "OTHER" else (FIND_A_HELPLINE,)
    return {
        "region": code,
        "region_name": name,
        "resources": [r.as_dict() for r in (*local, *tail)],
        "notice": NOT_AN_EMERGENCY_SERVICE,
    }
