"""Page 1's verdict, baseline and item-9 banner at every CHANGE.md boundary, by hand.

Each case writes a PHQ-9 history through the API (one session 30 days ago, the baseline in the
14 days before it, the latest score 2 days ago) and reads the words back from the PDF (pypdf)
and from the share view's HTML, over the same last 90 days.
"""

import html
import re
from datetime import timedelta

import pytest

from journal.records import user_today
from tests.app import export_history as history
from tests.app.test_export_report import needs_browser, pdf_text

SESSION_AGO = 30
LATEST_AGO = 2


def answers(total: int, item9: int = 0) -> list[int]:
    """Return nine PHQ-9 answers that sum to `total`, item 9 as given (0 unless needed)."""
    rest = total - item9
    assert 0 <= rest <= 24, "eight items hold at most 24"
    items = [3] * (rest // 3) + ([rest % 3] if rest % 3 else [])
    return items + [0] * (8 - len(items)) + [item9]


def phq9(api, user, days_ago: int, total: int) -> None:
    """Store one PHQ-9 with this total (item 9 only where the total needs it)."""
    history.checkin(api, user, "phq9", days_ago, answers(total, max(0, total - 24)))


def session(api, user, days_ago: int = SESSION_AGO, **extra) -> None:
    """Store one ketamine session."""
    body = {"started_at": history.at(user, days_ago), "medication": "ketamine", "route": "iv"}
    history.put(api, "treatments", {**body, **extra})


def share_text(api, user) -> str:
    """Open a new share link for the last 90 days; return its page's text, tags removed."""
    today = user_today(user)
    body = {"from": (today - timedelta(days=89)).isoformat(), "to": today.isoformat()}
    response = api.post("/api/v1/shares", body)
    assert response.status_code == 201, response.get_json()
    page = api.get("/s/" + response.get_json()["url"].rsplit("/s/", 1)[1])
    assert page.status_code == 200
    return visible_text(page.get_data(as_text=True))


def visible_text(page: str) -> str:
    """Return a page's text as a reader sees it: tags dropped, entities decoded, spaces one."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"</?(strong|em|span|b|i|a|time)\b[^>]*>", "", page)  # inline: no space
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def both_texts(api, user) -> tuple[str, str]:
    """Return the PDF's text and the share view's text for the last 90 days."""
    _pages, pdf = pdf_text(api.get("/export/report.pdf"))
    return pdf, share_text(api, user)


def date_words(user, days_ago: int) -> str:
    """Write the date `days_ago` days back as the verdict does ("3 March 2026")."""
    day = user_today(user) - timedelta(days=days_ago)
    return f"{day.day} {day:%B %Y}"


# (baseline totals, latest total, sentences that must appear, words that must not)
# The sentences' own words: the chart's legend also says "Remission: below 5" and "Response: ≤".
REMISSION = "Remission: the latest"
RESPONSE = "(50 % or more)"
PARTIAL = "(25 % to less than 50 %)"
CASES = {
    "drop of 4, 25 %": (
        (16,),
        12,
        [
            "Partial response: 25 % lower than the baseline of 16 (25 % to less than 50 %).",
            "No clinically important change: 4 points lower than the baseline of 16 "
            "(less than 5 points either way).",
        ],
        ["Clinically important improvement:", REMISSION, RESPONSE],
    ),
    "drop of 5": (
        (20,),
        15,
        [
            "Partial response: 25 % lower than the baseline of 20",
            "Clinically important improvement: 5 points lower than the baseline of 20 "
            "(a change of 5 points or more).",
        ],
        ["No clinically important change:", RESPONSE],
    ),
    "24 %": (
        (25,),
        19,
        ["Clinically important improvement: 6 points lower than the baseline of 25"],
        [PARTIAL, RESPONSE],
    ),
    "49 % of a mean of three": (
        (23, 24, 24),
        12,
        [
            "Baseline PHQ-9 23.7: the mean of 3 scores",
            "Partial response: 49.3 % lower than the baseline of 23.7 (25 % to less than 50 %).",
            "Clinically important improvement: 11.7 points lower",
        ],
        [RESPONSE],
    ),
    "50 %": (
        (18,),
        9,
        ["Response: 50 % lower than the baseline of 18 (50 % or more)."],
        [PARTIAL, REMISSION],
    ),
    "latest 5 is no remission": (
        (10,),
        5,
        ["Response: 50 % lower than the baseline of 10", "Clinically important improvement"],
        [REMISSION],
    ),
    "latest 4 is remission, named first": (
        (10,),
        4,
        ["Remission: the latest score, 4, is below 5. Response: 60 % lower"],
        [],
    ),
    "5 points higher": (
        (10,),
        15,
        ["Clinically important worsening: 5 points higher than the baseline of 10"],
        [RESPONSE, PARTIAL, "Clinically important improvement:"],
    ),
}


@needs_browser
@pytest.mark.parametrize("case", CASES)
def test_verdict_boundaries_in_pdf_and_share_view(auth_api, user, case):
    """The PDF and the share view name the same baseline and verdict, in CHANGE.md's words."""
    baseline, latest, present, absent = CASES[case]
    for n, total in enumerate(baseline):
        phq9(auth_api, user, SESSION_AGO + 5 + n, total)
    session(auth_api, user)
    phq9(auth_api, user, LATEST_AGO, latest)
    for text in both_texts(auth_api, user):
        for sentence in present:
            assert sentence in text
        for words in absent:
            assert words not in text
        assert f"Latest PHQ-9 {latest} of 27" in text
        assert "every score in the 14 days before the first session" in text
        if len(baseline) == 1:
            single = f"Baseline PHQ-9 {baseline[0]}: a single score, "
            assert single + date_words(user, SESSION_AGO + 5) in text


@needs_browser
def test_no_score_after_the_baseline_means_no_verdict(auth_api, user):
    """A baseline with no later PHQ-9 gives no verdict, and says so."""
    phq9(auth_api, user, SESSION_AGO + 3, 17)
    session(auth_api, user)
    for text in both_texts(auth_api, user):
        assert "Baseline PHQ-9 17: a single score" in text
        assert "No PHQ-9 after the baseline in this range: no verdict yet." in text
        assert "clinically important" not in text.lower()


@needs_browser
def test_without_a_score_before_the_session_the_first_in_range_is_the_baseline(auth_api, user):
    """No PHQ-9 in the 14 days before the first session: the first score in range, named."""
    session(auth_api, user)
    phq9(auth_api, user, SESSION_AGO - 5, 14)
    phq9(auth_api, user, LATEST_AGO, 8)
    for text in both_texts(auth_api, user):
        assert "Baseline PHQ-9 14: a single score, " + date_words(user, SESSION_AGO - 5) in text
        assert "(the first score in the range)" in text
        assert "Clinically important improvement: 6 points lower than the baseline of 14" in text


@needs_browser
@pytest.mark.parametrize(("days_ago", "banner"), [(59, True), (61, False)])
def test_item9_banner_takes_59_days_not_61(auth_api, user, days_ago, banner):
    """A positive item 9 59 days before the end heads page 1; 61 days before, the history."""
    history.checkin(auth_api, user, "daily", days_ago, [1] * 8 + [2], mood=4)
    when = (user_today(user) - timedelta(days=days_ago)).strftime("%-d %b %Y")
    for text in both_texts(auth_api, user):
        heading = "Item 9 above “Not at all” in the 60 days before"
        listed = f"{when} (daily check-in: Quite a bit (2))"
        assert (heading in text) is banner
        assert listed in text
        assert ("Item 9 history (1 earlier)" in text) is not banner
        if banner:
            assert text.index(heading) < text.index("Did the sessions help?")


@needs_browser
def test_sessions_help_is_the_same_number_on_today_the_share_view_and_the_pdf(auth_api, user):
    """One measure, one sentence: Today, the share view and the PDF say the same words."""
    for ago in (40, 20):
        session(auth_api, user, ago, route="other", route_label="<i>TMS</i>")
        for offset, total in ((3, 15), (2, 16), (1, 14), (-1, 9), (-3, 10), (-6, 11)):
            history.checkin(auth_api, user, "daily", ago + offset, answers(total), mood=5)
    # Before: 15 on both; after: 10 on both: 5 points lower.
    expected = (
        "In the week after a session, the daily score was on average 5 points lower than "
        "in the 3 days before it (2 of 2 sessions compared)."
    )
    today = visible_text(auth_api.get("/").get_data(as_text=True))
    pdf, share = both_texts(auth_api, user)
    for text in (today, pdf, share):
        assert expected in text
        assert "How this is measured: the average daily check-in score (0-27" in text
    # The induction line carries the person's route label as text, never as markup.
    line = "Induction series: 2 sessions"
    assert line not in pdf  # 20 days apart: not one series
    assert "First session: 1 session" in pdf and "Boosters: 1 session" in pdf
    assert "Other: <i>TMS</i>" in pdf and "Other: <i>TMS</i>" in share
    page = auth_api.get("/").get_data(as_text=True)
    assert "<i>TMS</i>" not in page


def test_a_chosen_baseline_period_replaces_the_rule(auth_api, user):
    """The report options' baseline period names its scores and drives the verdict."""
    phq9(auth_api, user, 60, 20)
    phq9(auth_api, user, 50, 10)
    session(auth_api, user)
    phq9(auth_api, user, LATEST_AGO, 10)
    today = user_today(user)
    default = visible_text(auth_api.get("/export/report").get_data(as_text=True))
    assert f"Baseline PHQ-9 20: a single score, {date_words(user, 60)} (the first score" in default
    assert "Response: 50 % lower than the baseline of 20" in default

    chosen = (today - timedelta(days=52)).isoformat(), (today - timedelta(days=48)).isoformat()
    page = auth_api.get(f"/export/report?baseline_from={chosen[0]}&baseline_to={chosen[1]}")
    text = visible_text(page.get_data(as_text=True))
    assert page.status_code == 200
    assert f"Baseline PHQ-9 10: a single score, {date_words(user, 50)} (the period chosen" in text
    assert "No clinically important change: the same as the baseline of 10" in text
    assert f"baseline_from={chosen[0]}" in page.get_data(as_text=True)  # the PDF link keeps it


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("baseline_from=2026-01-01", "baseline_to"),
        ("baseline_to=2026-01-01", "baseline_from"),
        ("baseline_from=2026-02-01&baseline_to=2026-01-01", "baseline_from"),
        ("baseline_from=someday&baseline_to=2026-01-01", "baseline_from"),
    ],
)
def test_bad_baseline_periods_are_422(auth_api, query, field):
    """Half a period, a reversed one or a bad date is a 422 naming the field."""
    response = auth_api.get(f"/export/report.pdf?{query}", headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_export_page_offers_the_baseline_period(logged_in):
    """The report form has the two declared baseline dates."""
    page = logged_in.get("/export/").get_data(as_text=True)
    assert 'name="baseline_from"' in page and 'name="baseline_to"' in page
    assert "Baseline from" in page


@pytest.mark.parametrize(("days_ago", "banner"), [(45, True), (61, False)])
def test_a_30_day_report_still_looks_back_60_days_for_item9(auth_api, user, days_ago, banner):
    """Shorter ranges keep the 60-day look-back, so "not answered above 0" is never untrue."""
    history.checkin(auth_api, user, "daily", days_ago, [1] * 8 + [2], mood=4)
    today = user_today(user)
    start = (today - timedelta(days=29)).isoformat()
    when = (today - timedelta(days=days_ago)).strftime("%-d %b %Y")
    _pages, pdf = pdf_text(auth_api.get(f"/export/report.pdf?from={start}&to={today}"))
    body = {"from": start, "to": today.isoformat()}
    response = auth_api.post("/api/v1/shares", body)
    page = auth_api.get("/s/" + response.get_json()["url"].rsplit("/s/", 1)[1])
    for text in (pdf, visible_text(page.get_data(as_text=True))):
        assert ("Item 9 above “Not at all” in the 60 days before" in text) is banner
        assert (f"{when} (daily check-in: Quite a bit (2))" in text) is banner
        assert ("not answered above “Not at all” in the 60 days before" in text) is not banner
        assert "Item 9 history" not in text  # older answers outside the range stay private
