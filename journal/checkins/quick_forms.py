"""The forms behind Today's one-tap mood and its Undo."""

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import UUID, AnyOf, InputRequired, NumberRange, Optional

from ..instruments import MOOD_MAX, MOOD_MIN
from .quick_mood import NEW, NONE

BEFORE = [NEW, NONE, *(str(n) for n in range(MOOD_MIN, MOOD_MAX + 1))]


class QuickMoodForm(FlaskForm):
    """One tap: the mood, and the day and id the page was drawn with."""

    mood = IntegerField("Mood", validators=[InputRequired(), NumberRange(MOOD_MIN, MOOD_MAX)])
    local_date = DateField("Date", validators=[Optional()])
    client_id = StringField("Entry", validators=[Optional(), UUID()])


class UndoMoodForm(FlaskForm):
    """Undo a tap: which entry, its revision after the tap, and what it was before."""

    client_id = StringField("Entry", validators=[InputRequired(), UUID()])
    revision = IntegerField("Revision", validators=[InputRequired(), NumberRange(min=1)])
    before = StringField("Before", validators=[InputRequired(), AnyOf(BEFORE)])
