"""A realistic, deterministic synthetic history for demos, tests and benchmarks (pure code).

The shape follows the clinical sheet: a moderate baseline, an induction course of six sessions
over about 2.5 weeks with a rapid dip that fades over about a week, boosters every 3-6 weeks,
day-to-day noise, missed days, a validated PHQ-9 (and GAD-7) every 14 days, and reflections.
"""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BASELINE_DAYS = 45
INDUCTION_OFFSETS = (0, 2, 4, 7, 9, 11)  # six sessions over about two and a half weeks
MISSED_DAY_RATE = 0.1
# Item 9 never comes from the spread: it is set on purpose, rarely, on the worst days.
PHQ_WEIGHTS = (3, 4, 3, 4, 2, 2, 2, 1, 0)
GAD_WEIGHTS = (1, 1, 1, 1, 1, 1, 1)
NOTES = (
    "Slept badly.",
    "Good walk with a friend.",
    "Hard day at work.",
    "Felt lighter this morning.",
    None,
    None,
    None,
)
INTENTIONS = ("Notice what I feel without judging it.", "Let go of the guilt.", "Be curious.")
REFLECTIONS = (
    "Felt very far away, then calm. Remembered the lake house.",
    "Less heavy today. Called my sister.",
    "The fog came back a little; kept to my walk anyway.",
)


def clamp(value: float, low: int, high: int) -> int:
    """Round and keep within bounds."""
    return max(low, min(high, round(value)))


def split_total(total: int, rng: random.Random, weights: tuple[int, ...], item9: int = 0) -> list:
    """Spread a total over 0-3 answers by weight; a PHQ-shaped list gets item 9 as given."""
    answers = [0] * len(weights)
    if len(weights) == 9:
        answers[8] = item9
    free = [i for i, weight in enumerate(weights) if weight]
    remaining = max(0, min(total - sum(answers), 3 * len(free)))
    while remaining:
        i = rng.choices(free, weights=[weights[k] for k in free])[0]
        if answers[i] < 3:
            answers[i] += 1
            remaining -= 1
    return answers


def session_dates(start: date, end: date, rng: random.Random) -> list[tuple[date, str]]:
    """Return (date, route) for each session, in order.

    Year one: an IV induction course after the baseline, then boosters every 3-6 weeks. After
    that, intranasal esketamine as labelled: twice weekly for four weeks, weekly for four, then
    every one or two weeks (which is what makes five years hold about 150 sessions).
    """
    first = start + timedelta(days=BASELINE_DAYS)
    plan = [(first + timedelta(days=d), "iv") for d in INDUCTION_OFFSETS]
    switch = first + timedelta(days=365)
    while (booster := plan[-1][0] + timedelta(days=rng.randint(21, 42))) < switch:
        plan.append((booster, "iv"))
    esketamine = [switch + timedelta(days=d) for d in (0, 3, 7, 10, 14, 17, 21, 24, 28, 35, 42, 49)]
    plan += [(d, "intranasal") for d in esketamine]
    while True:
        following = plan[-1][0] + timedelta(days=rng.choice((7, 7, 14)))
        if following > end:
            return [(d, route) for d, route in plan if d <= end]
        plan.append((following, "intranasal"))


def effect(day: date, sessions: list[date]) -> float:
    """Return how much the sessions lower the score on a day: a dip that fades over a week."""
    relief = 0.0
    for session in sessions:
        days = (day - session).days
        if 0 <= days <= 8:
            relief += 9 * (1 - days / 8)
    return min(relief, 11)


def generate(years: float, today: date, timezone: str = "America/Chicago", seed: int = 1) -> dict:
    """Return plain records: checkins, treatments and reflections, ending today."""
    rng = random.Random(seed)
    zone = ZoneInfo(timezone)
    start = today - timedelta(days=round(years * 365.25) - 1)
    planned_sessions = session_dates(start, today, rng)
    sessions = [d for d, _route in planned_sessions]
    # Baseline drifts slowly downwards as the course of treatment works over the years.
    checkins, day = [], start
    while day <= today:
        drift = 15 - 4 * (day - start).days / max(1, (today - start).days)
        total = clamp(drift - effect(day, sessions) + rng.gauss(0, 2.2), 0, 27)
        if rng.random() > MISSED_DAY_RATE or day == today:
            item9 = 1 if total >= 18 and rng.random() < 0.3 else 0
            checkins.append(
                {
                    "instrument": "daily",
                    "local_date": day,
                    "answers": split_total(total, rng, PHQ_WEIGHTS, item9),
                    "mood": clamp(10 - total / 2.7 + rng.gauss(0, 0.8), 0, 10),
                    "note": rng.choice(NOTES),
                }
            )
        if (day - start).days % 14 == 0:
            phq_total = clamp(total + rng.gauss(1, 1.5), 0, 27)
            checkins.append(
                {
                    "instrument": "phq9",
                    "local_date": day,
                    "answers": split_total(phq_total, rng, PHQ_WEIGHTS),
                }
            )
            gad_total = clamp(total * 0.7 + rng.gauss(0, 1.5), 0, 21)
            checkins.append(
                {
                    "instrument": "gad7",
                    "local_date": day,
                    "answers": split_total(gad_total, rng, GAD_WEIGHTS),
                }
            )
        day += timedelta(days=1)
    treatments = [treatment(d, route, zone, rng) for d, route in planned_sessions]
    reflections = [
        {
            "session_index": n,
            "local_date": min(today, d + timedelta(days=offset)),
            "text": rng.choice(REFLECTIONS),
            "prompts": {"came_up": "Memories of school.", "action": "Walk every morning."},
            "tags": ["integration", "family"] if offset else ["integration"],
            "share": offset == 1,
        }
        for n, d in enumerate(sessions)
        for offset in (0, 1)
    ]
    return {"checkins": checkins, "treatments": treatments, "reflections": reflections}


def treatment(day: date, route: str, zone: ZoneInfo, rng: random.Random) -> dict:
    """Return one session: IV ketamine 0.5 mg/kg, or esketamine 56 or 84 mg."""
    started = datetime.combine(day, time(10, 0), tzinfo=zone)
    dose, unit = (0.5, "mg/kg") if route == "iv" else (rng.choice((56, 84)), "mg")
    return {
        "started_at": started,
        "local_date": day,
        "medication": "ketamine" if route == "iv" else "esketamine",
        "route": route,
        "dose": dose,
        "dose_unit": unit,
        "clinic": "Riverside Ketamine Clinic",
        "intention": rng.choice(INTENTIONS),
        "side_effects": {
            "dissociation": rng.randint(2, 8),
            "nausea": rng.choice(("none", "none", "mild")),
            "dizziness": rng.choice(("none", "mild")),
        },
        "bp_before": {"systolic": rng.randint(112, 128), "diastolic": rng.randint(70, 82)},
        "bp_after": {"systolic": rng.randint(125, 145), "diastolic": rng.randint(78, 92)},
        "notes": None,
        "planned": False,
    }
