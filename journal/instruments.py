"""Questionnaires as data, and their pure scoring. No Flask, no database.

Item texts, answer labels and LOINC codes are copied from docs/clinical/INSTRUMENTS.md;
change them only there first.
"""

from dataclasses import dataclass, field

ATTRIBUTION = (
    "PHQ-9 and GAD-7 developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and "
    "colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, "
    "translate, display or distribute."
)
LOINC_NOTICE = (
    "This material contains content from LOINC (http://loinc.org). LOINC is copyright Regenstrief "
    "Institute, Inc. and the LOINC Committee and is available at no cost under the license at "
    "http://loinc.org/license."
)
MOOD_MIN, MOOD_MAX = 0, 10


@dataclass(frozen=True)
class Option:
    """One answer choice: its score, its label and (for LOINC answer lists) its LA code."""

    value: int
    label: str
    loinc: str | None = None


@dataclass(frozen=True)
class Item:
    """One question of an instrument."""

    text: str
    loinc: str | None = None


@dataclass(frozen=True)
class Band:
    """A severity band: totals from low to high inclusive carry this label."""

    low: int
    high: int
    label: str


@dataclass(frozen=True)
class Instrument:
    """A questionnaire: items, answers, scoring bands and codes."""

    id: str
    title: str
    short_title: str
    stem: str
    items: tuple[Item, ...]
    options: tuple[Option, ...]
    bands: tuple[Band, ...]
    validated: bool
    # Index (0-based) of the item whose positive answer must show crisis resources.
    safety_item: int | None = None
    panel_loinc: str | None = None
    total_loinc: str | None = None
    answer_list_loinc: str | None = None
    has_mood: bool = False
    bands_note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def max_total(self) -> int:
        """Return the highest possible total."""
        return len(self.items) * max(option.value for option in self.options)

    @property
    def option_values(self) -> frozenset[int]:
        """Return the allowed answer values."""
        return frozenset(option.value for option in self.options)

    def band_for(self, total: int) -> str:
        """Return the label of the band that holds this total."""
        for band in self.bands:
            if band.low <= total <= band.high:
                return band.label
        raise ValueError(f"total {total} is outside 0-{self.max_total}")


@dataclass(frozen=True)
class Score:
    """The result of scoring one set of answers."""

    total: int
    band: str
    safety: bool


class InvalidAnswers(ValueError):
    """Answers that do not fit the instrument; `fields` maps a field to its message."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


FREQUENCY_OPTIONS = (
    Option(0, "Not at all", "LA6568-5"),
    Option(1, "Several days", "LA6569-3"),
    Option(2, "More than half the days", "LA6570-1"),
    Option(3, "Nearly every day", "LA6571-9"),
)
DAILY_OPTIONS = (
    Option(0, "Not at all"),
    Option(1, "A little"),
    Option(2, "Quite a bit"),
    Option(3, "Nearly all day"),
)
PHQ9_ITEMS = (
    Item("Little interest or pleasure in doing things", "44250-9"),
    Item("Feeling down, depressed, or hopeless", "44255-8"),
    Item("Trouble falling or staying asleep, or sleeping too much", "44259-0"),
    Item("Feeling tired or having little energy", "44254-1"),
    Item("Poor appetite or overeating", "44251-7"),
    Item(
        "Feeling bad about yourself — or that you are a failure or have let yourself or your "
        "family down",
        "44258-2",
    ),
    Item(
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "44252-5",
    ),
    Item(
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
        "being so fidgety or restless that you have been moving around a lot more than usual",
        "44253-3",
    ),
    Item(
        "Thoughts that you would be better off dead or of hurting yourself in some way", "44260-8"
    ),
)
PHQ9_BANDS = (
    Band(0, 4, "None-minimal"),
    Band(5, 9, "Mild"),
    Band(10, 14, "Moderate"),
    Band(15, 19, "Moderately severe"),
    Band(20, 27, "Severe"),
)
GAD7_ITEMS = (
    Item("Feeling nervous, anxious, or on edge", "69725-0"),
    Item("Not being able to stop or control worrying", "68509-9"),
    Item("Worrying too much about different things", "69733-4"),
    Item("Trouble relaxing", "69734-2"),
    Item("Being so restless that it is hard to sit still", "69735-9"),
    Item("Becoming easily annoyed or irritable", "69689-8"),
    Item("Feeling afraid, as if something awful might happen", "69736-7"),
)
GAD7_BANDS = (
    Band(0, 4, "Minimal"),
    Band(5, 9, "Mild"),
    Band(10, 14, "Moderate"),
    Band(15, 21, "Severe"),
)

PHQ9 = Instrument(
    id="phq9",
    title="PHQ-9 (Patient Health Questionnaire)",
    short_title="PHQ-9",
    stem=(
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    items=PHQ9_ITEMS,
    options=FREQUENCY_OPTIONS,
    bands=PHQ9_BANDS,
    validated=True,
    safety_item=8,
    panel_loinc="44249-1",
    total_loinc="44261-6",
    answer_list_loinc="LL358-3",
)
DAILY = Instrument(
    id="daily",
    title="Daily check-in (PHQ-9-style, about today)",
    short_title="Daily PHQ-9-style score",
    stem="Today, how much have you been bothered by the following problems?",
    items=tuple(Item(item.text) for item in PHQ9_ITEMS),
    options=DAILY_OPTIONS,
    # The PHQ-9 bands shade the daily score for orientation only; they are not a diagnosis.
    bands=PHQ9_BANDS,
    validated=False,
    safety_item=8,
    has_mood=True,
    bands_note="Daily PHQ-9-style score, not a validated PHQ-9; bands shown for orientation only.",
)
GAD7 = Instrument(
    id="gad7",
    title="GAD-7 (Generalized Anxiety Disorder scale)",
    short_title="GAD-7",
    stem="Over the last 2 weeks, how often have you been bothered by the following problems?",
    items=GAD7_ITEMS,
    options=FREQUENCY_OPTIONS,
    bands=GAD7_BANDS,
    validated=True,
    panel_loinc="69737-5",
    total_loinc="70274-6",
    answer_list_loinc="LL358-3",
)

INSTRUMENTS: dict[str, Instrument] = {i.id: i for i in (DAILY, PHQ9, GAD7)}
VALIDATED_IDS = tuple(i.id for i in INSTRUMENTS.values() if i.validated)


def get_instrument(instrument_id: str) -> Instrument:
    """Return the instrument with this id, or raise InvalidAnswers naming the field."""
    try:
        return INSTRUMENTS[instrument_id]
    except (KeyError, TypeError):
        known = ", ".join(INSTRUMENTS)
        raise InvalidAnswers({"instrument": f"Unknown instrument; use one of {known}."}) from None


def is_integer(value: object) -> bool:
    """Tell whether a value is a real integer (JSON true/false are not answers)."""
    return isinstance(value, int) and not isinstance(value, bool)


def validate_answers(instrument: Instrument, answers: object) -> list[int]:
    """Return the answers as a list of ints, or raise InvalidAnswers saying what is wrong."""
    count = len(instrument.items)
    if not isinstance(answers, list | tuple):
        raise InvalidAnswers({"answers": f"Give a list of {count} answers."})
    if len(answers) != count:
        raise InvalidAnswers({"answers": f"Give exactly {count} answers, not {len(answers)}."})
    allowed = instrument.option_values
    low, high = min(allowed), max(allowed)
    errors = {
        f"answers.{n}": f"Answer {n} must be a whole number from {low} to {high}."
        for n, value in enumerate(answers, start=1)
        if not is_integer(value) or value not in allowed
    }
    if errors:
        raise InvalidAnswers(errors)
    return list(answers)


def validate_mood(instrument: Instrument, mood: object) -> int | None:
    """Return the mood rating (0-10) or None, or raise InvalidAnswers."""
    if mood is None:
        return None
    if not instrument.has_mood:
        raise InvalidAnswers({"mood": f"{instrument.short_title} has no mood rating."})
    if not is_integer(mood) or not MOOD_MIN <= mood <= MOOD_MAX:
        raise InvalidAnswers(
            {"mood": f"Mood must be a whole number from {MOOD_MIN} to {MOOD_MAX}."}
        )
    return mood


def is_safety_positive(instrument: Instrument, answers: list[int]) -> bool:
    """Tell whether the safety item (PHQ-9 item 9) is answered above 0."""
    return instrument.safety_item is not None and answers[instrument.safety_item] > 0


def score(instrument: Instrument, answers: object) -> Score:
    """Validate and score answers: total, band label and the item-9 safety flag."""
    valid = validate_answers(instrument, answers)
    total = sum(valid)
    return Score(total, instrument.band_for(total), is_safety_positive(instrument, valid))


def as_dict(instrument: Instrument) -> dict:
    """Describe an instrument as JSON-ready data (the PWA scores offline from this)."""
    return {
        "id": instrument.id,
        "title": instrument.title,
        "short_title": instrument.short_title,
        "stem": instrument.stem,
        "validated": instrument.validated,
        "items": [
            {"number": n, "text": i.text, "loinc": i.loinc}
            for n, i in enumerate(instrument.items, start=1)
        ],
        "options": [
            {"value": o.value, "label": o.label, "loinc": o.loinc} for o in instrument.options
        ],
        "bands": [{"low": b.low, "high": b.high, "label": b.label} for b in instrument.bands],
        "bands_note": instrument.bands_note,
        "max_total": instrument.max_total,
        "safety_item": None if instrument.safety_item is None else instrument.safety_item + 1,
        "panel_loinc": instrument.panel_loinc,
        "total_loinc": instrument.total_loinc,
        "answer_list_loinc": instrument.answer_list_loinc,
        "mood": {"min": MOOD_MIN, "max": MOOD_MAX} if instrument.has_mood else None,
        "attribution": ATTRIBUTION if instrument.validated else None,
    }
