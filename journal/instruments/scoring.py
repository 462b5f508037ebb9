"""Pure scoring: validate answers and mood, total, subscores, percentages, item 9."""

from .model import MOOD_MAX, MOOD_MIN, Instrument, InvalidAnswers, Score
from .questionnaires import INSTRUMENTS


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
        if not (value is None and instrument.items_optional)
        and (not is_integer(value) or value not in allowed)
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


def is_safety_positive(instrument: Instrument, answers: list[int | None]) -> bool:
    """Tell whether the safety item (PHQ-9 item 9) is answered above 0 (skipped is not)."""
    if instrument.safety_item is None:
        return False
    answer = answers[instrument.safety_item]
    return answer is not None and answer > 0


def score(instrument: Instrument, answers: object) -> Score:
    """Validate and score answers: total, band label, item-9 flag, cluster scores, percentage."""
    if answers is None and instrument.items_optional:
        answers = [None] * len(instrument.items)
    valid = validate_answers(instrument, answers)
    if None in valid:
        # A total of some items would read as a lower score than the person has: none is given.
        return Score(None, None, is_safety_positive(instrument, valid))
    total = sum(valid)
    return Score(
        total,
        instrument.band_for(total),
        is_safety_positive(instrument, valid),
        subscores(instrument, valid),
        percentage(instrument, total),
    )


def subscores(instrument: Instrument, answers: list[int]) -> dict[str, int]:
    """Return each cluster's score (the sum of its items), in the instrument's order."""
    return {
        key: sum(
            a for item, a in zip(instrument.items, answers, strict=True) if item.cluster == key
        )
        for key, _label in instrument.clusters
    }


def percentage(instrument: Instrument, total: int | None) -> int | None:
    """Return the percentage score (WHO-5: raw x 4), or None for instruments without one."""
    if instrument.percent_factor is None or total is None:
        return None
    return total * instrument.percent_factor


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
        "items_optional": instrument.items_optional,
        "panel_loinc": instrument.panel_loinc,
        "total_loinc": instrument.total_loinc,
        "answer_list_loinc": instrument.answer_list_loinc,
        "mood": {"min": MOOD_MIN, "max": MOOD_MAX} if instrument.has_mood else None,
        "attribution": instrument.attribution,
        "instructions": instrument.instructions,
        "band_heading": instrument.band_heading,
        "higher_is_better": instrument.higher_is_better,
        "percent_factor": instrument.percent_factor,
        "clusters": [
            {
                "id": key,
                "label": label,
                "items": [n for n, i in enumerate(instrument.items, start=1) if i.cluster == key],
            }
            for key, label in instrument.clusters
        ],
    }
