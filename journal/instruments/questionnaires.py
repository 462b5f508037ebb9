"""The questionnaires as data: PHQ-9, daily check-in, GAD-7, PCL-5 (month and week), WHO-5.

Item texts, answer labels and LOINC codes are copied from docs/clinical/INSTRUMENTS.md;
change them only there first.
"""

from .model import Band, Instrument, Item, Option

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
    attribution=ATTRIBUTION,
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
    items_optional=True,
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
    attribution=ATTRIBUTION,
)


# PCL-5 and WHO-5: wording from docs/clinical/INSTRUMENTS.md (2026-12-01). Neither has a verified
# LOINC code, so none is given here and exports use the app's own code system.
PCL5_REFERENCE = (
    "Reference: Weathers, F. W., Litz, B. T., Keane, T. M., Palmieri, P. A., Marx, B. P., & "
    "Schnurr, P. P. (2013). The PTSD Checklist for DSM-5 (PCL-5) – Standard [Measurement "
    "instrument]. Available from https://www.ptsd.va.gov/"
)
PCL5_ITEMS = tuple(
    Item(text, cluster=cluster)
    for text, cluster in (
        ("Repeated, disturbing, and unwanted memories of the stressful experience?", "B"),
        ("Repeated, disturbing dreams of the stressful experience?", "B"),
        (
            "Suddenly feeling or acting as if the stressful experience were actually happening "
            "again (as if you were actually back there reliving it)?",
            "B",
        ),
        ("Feeling very upset when something reminded you of the stressful experience?", "B"),
        (
            "Having strong physical reactions when something reminded you of the stressful "
            "experience (for example, heart pounding, trouble breathing, sweating)?",
            "B",
        ),
        ("Avoiding memories, thoughts, or feelings related to the stressful experience?", "C"),
        (
            "Avoiding external reminders of the stressful experience (for example, people, "
            "places, conversations, activities, objects, or situations)?",
            "C",
        ),
        ("Trouble remembering important parts of the stressful experience?", "D"),
        (
            "Having strong negative beliefs about yourself, other people, or the world (for "
            "example, having thoughts such as: I am bad, there is something seriously wrong "
            "with me, no one can be trusted, the world is completely dangerous)?",
            "D",
        ),
        (
            "Blaming yourself or someone else for the stressful experience or what happened "
            "after it?",
            "D",
        ),
        ("Having strong negative feelings such as fear, horror, anger, guilt, or shame?", "D"),
        ("Loss of interest in activities that you used to enjoy?", "D"),
        ("Feeling distant or cut off from other people?", "D"),
        (
            "Trouble experiencing positive feelings (for example, being unable to feel "
            "happiness or have loving feelings for people close to you)?",
            "D",
        ),
        ("Irritable behavior, angry outbursts, or acting aggressively?", "E"),
        ("Taking too many risks or doing things that could cause you harm?", "E"),
        ('Being "superalert" or watchful or on guard?', "E"),
        ("Feeling jumpy or easily startled?", "E"),
        ("Having difficulty concentrating?", "E"),
        ("Trouble falling or staying asleep?", "E"),
    )
)
PCL5_OPTIONS = (
    Option(0, "Not at all"),
    Option(1, "A little bit"),
    Option(2, "Moderately"),
    Option(3, "Quite a bit"),
    Option(4, "Extremely"),
)
PCL5_CLUSTERS = (
    ("B", "Intrusions (B)"),
    ("C", "Avoidance (C)"),
    ("D", "Negative thoughts and mood (D)"),
    ("E", "Arousal and reactivity (E)"),
)
# No severity bands: only where the total stands against the usual 31-33 cut-off (VA).
PCL5_BANDS = (
    Band(0, 30, "Below the usual cut-off (31-33)"),
    Band(31, 33, "At the usual cut-off (31-33)"),
    Band(34, 80, "Above the usual cut-off (31-33)"),
)
PCL5_NOTE = (
    "Not a diagnosis: the PCL-5 should not be used as a stand-alone diagnostic tool. A total "
    'of 31-33 is the usual cut-off (VA: "indicative of probable PTSD across samples"). '
    "Cluster scores: B items 1-5, C items 6-7, D items 8-14, E items 15-20."
)
PCL5 = Instrument(
    id="pcl5",
    title="PCL-5 (PTSD Checklist for DSM-5)",
    short_title="PCL-5",
    stem="In the past month, how much were you bothered by:",
    items=PCL5_ITEMS,
    options=PCL5_OPTIONS,
    bands=PCL5_BANDS,
    validated=True,
    bands_note=PCL5_NOTE,
    attribution=PCL5_REFERENCE,
    band_heading="Usual cut-off",
    clusters=PCL5_CLUSTERS,
)
PCL5_WEEK = Instrument(
    id="pcl5w",
    title="PCL-5 (PTSD Checklist for DSM-5), past week version",
    short_title="PCL-5 (past week)",
    stem="In the past week, how much were you bothered by:",
    instructions=(
        "Below is a list of problems that people sometimes have in response to a very stressful "
        "experience. Please read each problem and then select one of the options to indicate "
        "how much you have been bothered by that problem in the past week. The options include "
        "not at all, a little bit, moderately, quite a bit, and extremely."
    ),
    items=PCL5_ITEMS,
    options=PCL5_OPTIONS,
    # Whether the 31-33 cut-off holds for the past-week form is not established: none is shown.
    bands=(Band(0, 80, "No validated cut-off (past week)"),),
    validated=True,
    bands_note=(
        "Not a diagnosis. No cut-off is shown for the past-week form: the usual 31-33 is "
        "established for the past-month form. Cluster scores: B items 1-5, C items 6-7, "
        "D items 8-14, E items 15-20."
    ),
    attribution=PCL5_REFERENCE,
    band_heading="Cut-off",
    clusters=PCL5_CLUSTERS,
)
WHO5_ATTRIBUTION = (
    "WHO-5 Well-Being Index (1998 version), used without modification. Source: Psychiatric "
    "Research Unit, WHO Collaborating Center for Mental Health, Frederiksborg General Hospital, "
    "DK-3400 Hillerød."
)
WHO5 = Instrument(
    id="who5",
    title="WHO-5 Well-Being Index",
    short_title="WHO-5",
    stem=(
        "Please indicate for each of the five statements which is closest to how you have been "
        "feeling over the last two weeks. Notice that higher numbers mean better well-being."
    ),
    items=(
        Item("I have felt cheerful and in good spirits"),
        Item("I have felt calm and relaxed"),
        Item("I have felt active and vigorous"),
        Item("I woke up feeling fresh and rested"),
        Item("My daily life has been filled with things that interest me"),
    ),
    options=(
        Option(5, "All of the time"),
        Option(4, "Most of the time"),
        Option(3, "More than half of the time"),
        Option(2, "Less than half of the time"),
        Option(1, "Some of the time"),
        Option(0, "At no time"),
    ),
    # Raw 0-12 is a percentage of 50 or less (raw x 4): poor well-being (Topp et al. 2015).
    bands=(
        Band(0, 12, "Lower well-being (50% or less)"),
        Band(13, 25, "Higher well-being (above 50%)"),
    ),
    validated=True,
    bands_note=(
        "Not a diagnosis. Raw score 0-25; percentage score (raw x 4) 0-100, higher is better. "
        "A percentage of 50 or less indicates poor well-being and is a reason to screen for "
        "depression (Topp et al., 2015). A change of 10 percentage points is significant."
    ),
    attribution=WHO5_ATTRIBUTION,
    band_heading="Well-being",
    higher_is_better=True,
    percent_factor=4,
)

INSTRUMENTS: dict[str, Instrument] = {i.id: i for i in (DAILY, PHQ9, GAD7, PCL5, PCL5_WEEK, WHO5)}
VALIDATED_IDS = tuple(i.id for i in INSTRUMENTS.values() if i.validated)
