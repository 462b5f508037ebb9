"""What a questionnaire is: options, items, bands, scoring rules (the types, no data)."""

from dataclasses import dataclass, field

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
    # The symptom cluster the item belongs to (PCL-5 B/C/D/E), for cluster scores.
    cluster: str | None = None


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
    # The daily check-in may skip items (or carry only a mood); its total is then None.
    items_optional: bool = False
    bands_note: str = ""
    extra: dict = field(default_factory=dict)
    attribution: str | None = None
    # Longer instructions shown above the stem (only where the source has on-screen wording).
    instructions: str = ""
    # What the result page calls the band: the PCL-5 has a cut-off, not severity bands.
    band_heading: str = "Severity band"
    higher_is_better: bool = False
    # WHO-5: the raw score times this is the percentage score (0-100).
    percent_factor: int | None = None
    # Cluster id -> label, in order (PCL-5); cluster scores are sums within a cluster.
    clusters: tuple[tuple[str, str], ...] = ()

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

    total: int | None
    band: str | None
    safety: bool
    subscores: dict = field(default_factory=dict)
    percent: int | None = None


class InvalidAnswers(ValueError):
    """Answers that do not fit the instrument; `fields` maps a field to its message."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields
