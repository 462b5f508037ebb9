"""The check-in form, built from an instrument's data (a new instrument needs no new form)."""

from flask_wtf import FlaskForm
from wtforms import DateField, Field, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from ..instruments import MOOD_MAX, MOOD_MIN, Instrument
from .rules import CHECKIN


class CheckInFormBase(FlaskForm):
    """Fields every check-in has."""

    local_date = DateField("Date", validators=[InputRequired()])
    note = TextAreaField(
        "Note (optional)", validators=[Optional()], render_kw={**CHECKIN.attrs("note"), "rows": 3}
    )


class TagChoices(Field):
    """The tags ticked among the one-tap chips: every value the form sent under this name."""

    def process_formdata(self, valuelist):
        """Keep every ticked chip, in the page's order."""
        self.data = list(valuelist)

    def _value(self):
        """Chips are drawn by the template, not by this field."""
        return ""


def split_tags(text: str | None) -> list[str]:
    """Split the typed tags on commas (blanks between commas are ignored)."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def checkin_form_class(instrument: Instrument) -> type[CheckInFormBase]:
    """Return a form class with one radio group per item (and mood for the daily check-in)."""
    # The WHO-5 form prints each answer's number ("higher numbers mean better well-being").
    numbered = instrument.percent_factor is not None
    choices = [
        SelectChoice(option.value, f"{option.value} · {option.label}" if numbered else option.label)
        for option in instrument.options
    ]
    # The daily check-in's items are optional (mood alone is an entry); questionnaires need all.
    required = (
        Optional() if instrument.items_optional else InputRequired(message="Choose one answer.")
    )
    fields = {
        f"item{n}": RadioField(item.text, choices=choices, coerce=int, validators=[required])
        for n, item in enumerate(instrument.items, start=1)
    }
    if instrument.has_mood:
        fields["mood"] = RadioField(
            f"Mood today ({MOOD_MIN} = worst, {MOOD_MAX} = best)",
            choices=[SelectChoice(n, str(n)) for n in range(MOOD_MIN, MOOD_MAX + 1)],
            coerce=int,
            validators=[Optional()],
        )
    if instrument.items_optional:
        # Tags belong to the daily check-in: ticked chips plus any typed, comma-separated.
        fields["tags"] = TagChoices("Tags", default=list)
        fields["new_tags"] = StringField(
            "Other tags, separated by commas (optional)",
            validators=[Optional()],
            render_kw={"autocomplete": "off", "maxlength": 1000},
        )
    return type(f"{instrument.id.title()}CheckInForm", (CheckInFormBase,), fields)


def form_to_data(form: CheckInFormBase, instrument: Instrument) -> dict:
    """Turn a submitted form into the body the check-in service takes."""
    return {
        "instrument": instrument.id,
        "local_date": form.local_date.data,
        "answers": [form[f"item{n}"].data for n in range(1, len(instrument.items) + 1)],
        "mood": form.mood.data if instrument.has_mood else None,
        "note": (form.note.data or "").strip() or None,
        **({"tags": form_tags(form)} if instrument.items_optional else {}),
    }


def form_tags(form: CheckInFormBase) -> list[str]:
    """Return the ticked chips, then the typed tags (the spec trims and drops repeats)."""
    return [*(form.tags.data or []), *split_tags(form.new_tags.data)]


def item_field_names(instrument: Instrument) -> list[str]:
    """Return the form's item field names in order."""
    return [f"item{n}" for n in range(1, len(instrument.items) + 1)]
