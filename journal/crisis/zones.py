"""The default crisis region from the time zone a browser reports."""

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
