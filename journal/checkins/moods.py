"""A mood 0-10 in words, and how one day's mood compares with the days before it (pure)."""

from statistics import fmean

# Five bands, each with a word, so a colour is never the only sign of a mood.
BANDS = ((1, "Very low"), (3, "Low"), (5, "So-so"), (7, "Good"), (10, "Very good"))
AVERAGE_DAYS = 7
# Within half a point of the average a one-decimal difference is noise, not a change.
SAME_WITHIN = 0.5


def band(mood: int) -> int:
    """Return the mood's band, 1 (lowest) to 5, for its colour."""
    return next(n for n, (top, _word) in enumerate(BANDS, start=1) if mood <= top)


def word(mood: int) -> str:
    """Return the mood in a word ("Good" for 6)."""
    return BANDS[band(mood) - 1][1]


def days_with(count: int) -> str:
    """Return "1 day" or "N days"."""
    return f"{count} day" if count == 1 else f"{count} days"


def compare(mood: int, earlier: list[int]) -> str:
    """Say how a mood compares with the average of the moods of the days before it."""
    if not earlier:
        return f"Your first mood in {AVERAGE_DAYS} days: nothing to compare it with yet."
    average = fmean(earlier)
    # CHANGE.md: always name the baseline, its length and how many values it holds.
    count = days_with(len(earlier))
    basis = f"your {AVERAGE_DAYS}-day average of {average:.1f} ({count} with a mood)"
    if abs(mood - average) < SAME_WITHIN:
        return f"About the same as {basis}."
    return f"{'Higher' if mood > average else 'Lower'} than {basis}."
