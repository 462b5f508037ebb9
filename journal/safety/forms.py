"""The safety plan page's form: rows per list, read into the API's body and back.

The page is plain HTML (no JS needed): each list shows its entries and one blank row; a blank
row is left out on save, so typing into it adds an entry, and each entry has a Remove button.
Controls are named `coping-0`, `helpers-1-name`, `helpers-1-phone`.
"""

from .spec import CONTACT_LISTS, ENTRIES_MAX, ENTRY_MAX, LISTS

# Our own labels (docs/clinical/SAFETY_PLAN.md), never the official form's wording.
LABELS = {
    "warning_signs": ("Signs a crisis may be starting", "Thoughts, feelings or situations."),
    "coping": ("Things I can do on my own", "To take my mind off things."),
    "distractions": ("People and places that help", "That help me feel better or distract me."),
    "helpers": ("People I can ask for help", "A name, and a phone number to call."),
    "professionals": (
        "My clinician, clinic or services to call",
        "Your country's crisis lines are shown beside them.",
    ),
    "safe_environment": (
        "Making my surroundings safer",
        "For example, giving medicines to someone to keep.",
    ),
    "reasons": ("What matters most to me", "People, plans, reasons for living."),
}


def rows_from_plan(plan: dict) -> dict[str, list[dict]]:
    """Return each list's rows from a stored plan (the API's dict)."""
    rows = {}
    for name in LISTS:
        if name in CONTACT_LISTS:
            rows[name] = [
                {"name": c.get("name", ""), "phone": c.get("phone") or ""} for c in plan[name]
            ]
        else:
            rows[name] = [{"text": text} for text in plan[name]]
    return rows


def indices(form, name: str) -> list[int]:
    """Return the row numbers the form sent for one list, in order."""
    found = set()
    for key in form:
        head, _, rest = key.partition("-")
        number = rest.split("-", 1)[0]
        if head == name and number.isdigit() and int(number) < ENTRIES_MAX * 2:
            found.add(int(number))
    return sorted(found)


def read_form(form) -> tuple[dict, dict[str, list[dict]], dict[str, str]]:
    """Read the submitted page: (API body, rows to show again, body path -> control name)."""
    removed = form.get("remove", "")
    body, rows, paths = {}, {}, {}
    for name in LISTS:
        body[name], rows[name] = [], []
        for number in indices(form, name):
            control = f"{name}-{number}"
            if control == removed:
                continue
            if name in CONTACT_LISTS:
                row = {
                    key: form.get(f"{control}-{key}", "")[: ENTRY_MAX * 2]
                    for key in ("name", "phone")
                }
                if not (row["name"].strip() or row["phone"].strip()):
                    continue
                item = {
                    "name": row["name"],
                    **({"phone": row["phone"]} if row["phone"].strip() else {}),
                }
            else:
                row = {"text": form.get(control, "")[: ENTRY_MAX * 2]}
                if not row["text"].strip():
                    continue
                item = row["text"]
            # Rows are drawn again numbered from 0, so an error names the row as redrawn.
            paths[f"{name}.{len(body[name])}"] = f"{name}-{len(body[name])}"
            body[name].append(item)
            rows[name].append(row)
    return body, rows, paths


def place_errors(fields: dict[str, str], paths: dict[str, str]) -> dict[str, str]:
    """Return the service's errors keyed by the form control that carries each."""
    placed = {}
    for path, message in fields.items():
        head, _, rest = path.partition(".")
        number, _, key = rest.partition(".")
        control = paths.get(f"{head}.{number}", head)
        placed[f"{control}-{key}" if key else control] = message
    return placed


def sections(rows: dict[str, list[dict]], errors: dict[str, str]) -> list[dict]:
    """Return what the template draws: each list's label, hint, rows and one blank row."""
    drawn = []
    for name in LISTS:
        shown = list(rows[name])
        if len(shown) < ENTRIES_MAX:
            shown.append({"name": "", "phone": ""} if name in CONTACT_LISTS else {"text": ""})
        label, hint = LABELS[name]
        drawn.append(
            {
                "name": name,
                "label": label,
                "hint": hint,
                "contact": name in CONTACT_LISTS,
                "rows": shown,
                "filled": len(rows[name]),
                "error": errors.get(name),
            }
        )
    return drawn
