"""PCL-5 and WHO-5: wording from INSTRUMENTS.md, scoring at every edge, no LOINC codes."""

import re
from pathlib import Path

import pytest

from journal import instruments
from journal.instruments import PCL5, PCL5_WEEK, WHO5, score

SOURCE = (Path(__file__).parents[2] / "docs" / "clinical" / "INSTRUMENTS.md").read_text()


def section(title: str) -> str:
    """Return the part of INSTRUMENTS.md under one '## ' heading."""
    return SOURCE.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


def table_rows(text: str) -> list[list[str]]:
    """Return the numbered rows of the markdown tables in a section."""
    rows = re.findall(r"^\| (\d+) \| (.+?) \|(?: (\w) \|)?$", text, flags=re.M)
    return [list(row) for row in rows]


def answers_for(total: int, count: int, top: int) -> list[int]:
    """Return answers that add up to a total, filling items from the first."""
    answers = []
    for _ in range(count):
        answers.append(min(top, total))
        total -= answers[-1]
    assert total == 0
    return answers


def test_pcl5_items_and_clusters_match_the_source():
    """All 20 PCL-5 items and their clusters are the source's, word for word."""
    rows = table_rows(section("PCL-5 (PTSD Checklist for DSM-5, 20 items)"))
    assert [(r[1], r[2]) for r in rows] == [(i.text, i.cluster) for i in PCL5.items]
    assert PCL5_WEEK.items == PCL5.items


def test_pcl5_answers_stems_and_reference_match_the_source():
    """Answers 0-4, both stems, the past-week instructions and the reference line are verbatim."""
    text = section("PCL-5 (PTSD Checklist for DSM-5, 20 items)")
    assert (
        "Not at all = 0 · A little bit = 1 · Moderately = 2 · Quite a bit = 3 · Extremely = 4"
        in text
    )
    assert [(o.value, o.label) for o in PCL5.options] == [
        (0, "Not at all"),
        (1, "A little bit"),
        (2, "Moderately"),
        (3, "Quite a bit"),
        (4, "Extremely"),
    ]
    assert f'Stem: "{PCL5.stem}"' in text and f'Stem: "{PCL5_WEEK.stem}"' in text
    assert PCL5_WEEK.instructions in " ".join(text.split())
    reference = " ".join(
        text.split('Attribution: the VA forms carry "', 1)[1].split('" [')[0].split()
    )
    assert PCL5.attribution == reference


def test_who5_items_answers_and_stem_match_the_source():
    """The five 1998 statements, the six answers and the instructions are verbatim."""
    text = section("WHO-5 Well-Being Index (5 items)")
    assert [r[1] for r in table_rows(text)] == [i.text for i in WHO5.items]
    for option in WHO5.options:
        assert f"{option.label} = {option.value}" in text
    assert [o.value for o in WHO5.options] == [5, 4, 3, 2, 1, 0]
    assert WHO5.stem in " ".join(text.split())


@pytest.mark.parametrize("instrument", [PCL5, PCL5_WEEK, WHO5])
def test_no_loinc_code_is_emitted(instrument):
    """No LOINC code is verified for these, so none is in the data."""
    data = instruments.as_dict(instrument)
    assert data["panel_loinc"] is None and data["total_loinc"] is None
    assert data["answer_list_loinc"] is None
    assert all(i["loinc"] is None for i in data["items"])
    assert all(o["loinc"] is None for o in data["options"])


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "Below the usual cut-off (31-33)"),
        (30, "Below the usual cut-off (31-33)"),
        (31, "At the usual cut-off (31-33)"),
        (33, "At the usual cut-off (31-33)"),
        (34, "Above the usual cut-off (31-33)"),
        (80, "Above the usual cut-off (31-33)"),
    ],
)
def test_pcl5_cut_off_edges(total, band):
    """30 is below, 31 and 33 at, 34 above the usual cut-off; the range is 0-80."""
    result = score(PCL5, answers_for(total, 20, 4))
    assert (result.total, result.band, result.safety) == (total, band, False)
    assert PCL5.max_total == 80


def test_pcl5_never_says_diagnosis_or_ptsd_as_a_result():
    """Band labels name the cut-off only; the note says it is not a diagnosis."""
    assert all("PTSD" not in b.label and "diagnos" not in b.label.lower() for b in PCL5.bands)
    assert "Not a diagnosis" in PCL5.bands_note


def test_pcl5_cluster_scores():
    """B = items 1-5, C = 6-7, D = 8-14, E = 15-20."""
    answers = [1] * 5 + [2] * 2 + [3] * 7 + [4] * 6
    assert score(PCL5, answers).subscores == {"B": 5, "C": 4, "D": 21, "E": 24}
    assert score(PCL5, [4] * 20).subscores == {"B": 20, "C": 8, "D": 28, "E": 24}
    clusters = {c["id"]: c["items"] for c in instruments.as_dict(PCL5)["clusters"]}
    assert clusters == {
        "B": [1, 2, 3, 4, 5],
        "C": [6, 7],
        "D": [8, 9, 10, 11, 12, 13, 14],
        "E": [15, 16, 17, 18, 19, 20],
    }


def test_pcl5_past_week_form_shows_no_cut_off():
    """The 31-33 cut-off is not established for the past-week form, so it never says above it."""
    assert {score(PCL5_WEEK, answers_for(t, 20, 4)).band for t in (0, 33, 34, 80)} == {
        "No validated cut-off (past week)"
    }


@pytest.mark.parametrize(
    ("raw", "percent", "band"),
    [
        (0, 0, "Lower well-being (50% or less)"),
        (12, 48, "Lower well-being (50% or less)"),
        (13, 52, "Higher well-being (above 50%)"),
        (25, 100, "Higher well-being (above 50%)"),
    ],
)
def test_who5_raw_and_percentage_edges(raw, percent, band):
    """Raw 12 (48 %) is flagged, raw 13 (52 %) is not; raw 0-25, percentage 0-100."""
    result = score(WHO5, answers_for(raw, 5, 5))
    assert (result.total, result.percent, result.band) == (raw, percent, band)


def test_who5_percentage_50_is_the_flag_edge():
    """Percentages step by 4: 48 is the highest flagged (<= 50), 52 the lowest not."""
    flagged = {
        instruments.percentage(WHO5, raw)
        for raw in range(26)
        if WHO5.band_for(raw).startswith("Lower")
    }
    assert max(flagged) == 48 and max(flagged) <= 50 < 52 == min(
        instruments.percentage(WHO5, raw) for raw in range(26) if raw not in range(13)
    )
    assert WHO5.higher_is_better and "depressed" not in (WHO5.bands_note + str(WHO5.bands))


@pytest.mark.parametrize("instrument", [PCL5, PCL5_WEEK, WHO5])
def test_complete_for_data_driven_charts(instrument):
    """The charts read id, titles, items, options, max_total, bands and validated from the data."""
    data = instruments.as_dict(instrument)
    assert data["validated"] is True and data["max_total"] and data["bands"]
    assert data["attribution"] and data["short_title"] and data["items"]


@pytest.mark.parametrize(("instrument", "count"), [(PCL5, 20), (WHO5, 5)])
def test_out_of_range_answers_are_refused(instrument, count):
    """An answer above the top option or a wrong count names the field."""
    top = max(instrument.option_values)
    with pytest.raises(instruments.InvalidAnswers) as caught:
        score(instrument, [top + 1] + [0] * (count - 1))
    assert "answers.1" in caught.value.fields
    with pytest.raises(instruments.InvalidAnswers):
        score(instrument, [0] * (count - 1))
