"""Captions in two voices: the patient's own ("your score") and the clinician's (third person).

The captions are written once, in the patient's voice. For the report and the share view the
same sentence is turned into the third person by the fixed rewrites below, and empty-state
prompts ("Log a check-in ...") become a plain statement of what is missing: a therapist cannot
log anything. tests/unit/test_charts.py checks every caption on demo data for a stray "you".
"""

from __future__ import annotations

import re

# Longest phrases first: "your baseline" before "your".
REWRITES = (
    (r"\bbothered you most\b", "bothered the patient most"),
    (r"\byou answered\b", "the patient answered"),
    (r"\bonce you have check-ins\b", "once there are check-ins"),
    (r"\bYour\b", "The"),
    (r"\byour\b", "the"),
    (r"\byou\b", "the patient"),
)
NOT_ENOUGH = "Not enough entries in this range for this chart."


def speak(text: str, clinician: bool) -> str:
    """Return `text` as written (the patient's voice) or rewritten for a clinician."""
    if not clinician:
        return text
    if text.startswith(("Log ", "To compare")):
        return NOT_ENOUGH
    for pattern, replacement in REWRITES:
        text = re.sub(pattern, replacement, text)
    return text
