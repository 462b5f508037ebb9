"""Crisis resources by region, and the default region from a time zone.

Every line is copied from docs/clinical/CRISIS_LINES.md, only where it is marked verified; verify at
each release. Contacts are written with [text](href) links so each number is one tap.
"""

import re
from dataclasses import dataclass

LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


@dataclass(frozen=True)
class Resource:
    """One service a person in crisis can reach, and how (`source` holds [text](href) links)."""

    name: str
    source: str

    @property
    def contact(self) -> str:
        """Return the contact as plain text."""
        return LINK.sub(r"\1", self.source)

    @property
    def links(self) -> list[dict]:
        """Return every tappable link in the contact, in order."""
        return [{"text": m[1], "href": m[2]} for m in LINK.finditer(self.source)]

    @property
    def parts(self) -> list[dict]:
        """Return the contact as text and link pieces, for templates to render."""
        pieces, start = [], 0
        for m in LINK.finditer(self.source):
            if m.start() > start:
                pieces.append({"text": self.source[start : m.start()], "href": None})
            pieces.append({"text": m[1], "href": m[2]})
            start = m.end()
        if start < len(self.source):
            pieces.append({"text": self.source[start:], "href": None})
        return pieces

    def as_dict(self) -> dict:
        """Describe the resource as JSON-ready data."""
        links = self.links
        return {
            "name": self.name,
            "contact": self.contact,
            "href": links[0]["href"] if links else None,
            "links": links,
            "parts": self.parts,
        }


def emergency(source: str) -> Resource:
    """Return a region's emergency numbers."""
    return Resource("Emergency services", source)


NOT_AN_EMERGENCY_SERVICE = (
    "Mood Journal is not an emergency service, and nobody reads your entries in real time. "
    "If you are in danger now, call your local emergency number."
)
FIND_A_HELPLINE = Resource("Find A Helpline", "[findahelpline.com](https://findahelpline.com)")
ELSEWHERE = (FIND_A_HELPLINE, emergency("112 in the EU, 911 in North America"))
EU_112 = emergency("[112](tel:112)")
SAMARITANS_116 = "call [116 123](tel:116123), free"

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

# The tz database's zone.tab names per region, then legacy names from `backward`, each looked up
# as the browser reports it. Resolving `backward` links first would send Europe/Oslo to
# Europe/Berlin (a Norwegian user shown German lines), so names are never resolved.
ZONE_TAB: dict[str, tuple[str, ...]] = {
    "US": (
        "America/New_York America/Detroit America/Kentucky/Louisville "
        "America/Kentucky/Monticello America/Indiana/Indianapolis America/Indiana/Vincennes "
        "America/Indiana/Winamac America/Indiana/Marengo America/Indiana/Petersburg "
        "America/Indiana/Vevay America/Chicago America/Indiana/Tell_City America/Indiana/Knox "
        "America/Menominee America/North_Dakota/Center America/North_Dakota/New_Salem "
        "America/North_Dakota/Beulah America/Denver America/Boise America/Phoenix "
        "America/Los_Angeles America/Anchorage America/Juneau America/Sitka America/Metlakatla "
        "America/Yakutat America/Nome America/Adak Pacific/Honolulu"
    ).split(),
    "CA": (
        "America/St_Johns America/Halifax America/Glace_Bay America/Moncton America/Goose_Bay "
        "America/Blanc-Sablon America/Toronto America/Iqaluit America/Atikokan America/Winnipeg "
        "America/Resolute America/Rankin_Inlet America/Regina America/Swift_Current "
        "America/Edmonton America/Cambridge_Bay America/Inuvik America/Vancouver America/Creston "
        "America/Dawson_Creek America/Fort_Nelson America/Whitehorse America/Dawson"
    ).split(),
    "UK": ("Europe/London",),
    "IE": ("Europe/Dublin",),
    "AU": (
        "Australia/Lord_Howe Antarctica/Macquarie Australia/Hobart Australia/Melbourne "
        "Australia/Sydney Australia/Broken_Hill Australia/Brisbane Australia/Lindeman "
        "Australia/Adelaide Australia/Darwin Australia/Perth Australia/Eucla"
    ).split(),
    "NZ": ("Pacific/Auckland", "Pacific/Chatham"),
    "DE": ("Europe/Berlin", "Europe/Busingen"),
    "FR": ("Europe/Paris",),
    "ES": ("Europe/Madrid", "Africa/Ceuta", "Atlantic/Canary"),
    "IT": ("Europe/Rome",),
    "NL": ("Europe/Amsterdam",),
    "BE": ("Europe/Brussels",),
    "AT": ("Europe/Vienna",),
    "CH": ("Europe/Zurich",),
    "SE": ("Europe/Stockholm",),
    "NO": ("Europe/Oslo",),
    "DK": ("Europe/Copenhagen",),
    "FI": ("Europe/Helsinki",),
    "PL": ("Europe/Warsaw",),
    "PT": ("Europe/Lisbon", "Atlantic/Madeira", "Atlantic/Azores"),
    "IN": ("Asia/Kolkata",),
    "JP": ("Asia/Tokyo",),
    "KR": ("Asia/Seoul",),
    "BR": (
        "America/Noronha America/Belem America/Fortaleza America/Recife America/Araguaina "
        "America/Maceio America/Bahia America/Sao_Paulo America/Campo_Grande America/Cuiaba "
        "America/Santarem America/Porto_Velho America/Boa_Vista America/Manaus "
        "America/Eirunepe America/Rio_Branco"
    ).split(),
    "MX": (
        "America/Mexico_City America/Cancun America/Merida America/Monterrey America/Matamoros "
        "America/Chihuahua America/Ciudad_Juarez America/Ojinaga America/Mazatlan "
        "America/Bahia_Banderas America/Hermosillo America/Tijuana"
    ).split(),
    "ZA": ("Africa/Johannesburg",),
    "SG": ("Asia/Singapore",),
    "PH": ("Asia/Manila",),
    "IL": ("Asia/Jerusalem",),
}
LEGACY_ZONES: dict[str, tuple[str, ...]] = {
    "US": (
        "US/Alaska US/Aleutian US/Arizona US/Central US/East-Indiana US/Eastern US/Hawaii "
        "US/Indiana-Starke US/Michigan US/Mountain US/Pacific Navajo America/Indianapolis "
        "America/Knox_IN America/Louisville America/Atka America/Fort_Wayne America/Shiprock"
    ).split(),
    "CA": (
        "Canada/Atlantic Canada/Central Canada/Eastern Canada/Mountain Canada/Newfoundland "
        "Canada/Pacific Canada/Saskatchewan Canada/Yukon America/Montreal America/Nipigon "
        "America/Pangnirtung America/Rainy_River America/Thunder_Bay America/Yellowknife"
    ).split(),
    "UK": ("GB", "GB-Eire", "Europe/Belfast"),
    "IE": ("Eire",),
    "AU": (
        "Australia/ACT Australia/Canberra Australia/Currie Australia/LHI Australia/NSW "
        "Australia/North Australia/Queensland Australia/South Australia/Tasmania "
        "Australia/Victoria Australia/West Australia/Yancowinna"
    ).split(),
    "NZ": ("NZ", "NZ-CHAT"),
    "PL": ("Poland",),
    "PT": ("Portugal",),
    "IN": ("Asia/Calcutta",),
    "JP": ("Japan",),
    "KR": ("ROK",),
    "BR": ("Brazil/Acre Brazil/DeNoronha Brazil/East Brazil/West America/Porto_Acre".split()),
    "MX": (
        "Mexico/BajaNorte Mexico/BajaSur Mexico/General America/Ensenada America/Santa_Isabel"
    ).split(),
    "SG": ("Singapore",),
    "IL": ("Israel", "Asia/Tel_Aviv"),
}
REGION_BY_ZONE: dict[str, str] = {
    zone: region
    for table in (LEGACY_ZONES, ZONE_TAB)
    for region, zones in table.items()
    for zone in zones
}


def region_for_timezone(timezone: object) -> str:
    """Return the default crisis region for an IANA zone name as given (else OTHER)."""
    return REGION_BY_ZONE.get(timezone, "OTHER") if isinstance(timezone, str) else "OTHER"


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
