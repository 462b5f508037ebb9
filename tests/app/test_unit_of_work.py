"""One unit of work per request, command and job: services never commit; the request does, once."""

import ast
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from journal import autonomous
from journal.accounts.models import SecurityEvent, ThrottleCounter
from journal.database import on_commit
from journal.errors import Invalid
from journal.extensions import db
from journal.models import ShareLink, User
from journal.share import services as shares
from tests.conftest import app_with_schema

ROOT = Path(__file__).resolve().parents[2]
JOURNAL = ROOT / "journal"
# Where a commit may stand: the unit of work itself, the named autonomous writes, the views and
# API handlers, the CLI commands, and the background jobs' step-by-step modules.
ALLOWED_FILES = {"journal/database.py", "journal/autonomous.py", *autonomous.JOB_STEPS}


def allowed_file(path: str) -> bool:
    """Tell whether a module is a view, API, CLI or other allowed place for a commit."""
    name = path.rsplit("/", 1)[-1]
    return (
        path in ALLOWED_FILES
        or path.startswith("journal/api/")
        or name in ("routes.py", "cli.py", "commands.py")
        or name.endswith("_routes.py")
    )


def is_command(function: ast.FunctionDef) -> bool:
    """Tell whether a function is a CLI command (decorated with click or with_appcontext)."""
    return any(
        "command" in ast.unparse(d) or "appcontext" in ast.unparse(d)
        for d in function.decorator_list
    )


def misplaced_commits(path: str, source: str) -> list[str]:
    """Return "path:line" for each commit() outside the allowed places."""
    if allowed_file(path):
        return []
    found = []
    for top in ast.parse(source).body:
        if isinstance(top, ast.FunctionDef) and is_command(top):
            continue
        for node in ast.walk(top):
            call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            if call and node.func.attr == "commit":
                found.append(f"{path}:{node.lineno}")
    return found


def test_no_service_commits():
    """No module below the views commits: only the allowed places (and named writes) do."""
    found = []
    for file in sorted(JOURNAL.rglob("*.py")):
        path = file.relative_to(ROOT).as_posix()
        found += misplaced_commits(path, file.read_text(encoding="utf-8"))
    assert found == []


def test_the_commit_check_sees_a_service_commit():
    """The check above is not vacuous: a commit in a service, even nested, is found."""
    source = "def save(user):\n    if user:\n        db.session.commit()\n"
    assert misplaced_commits("journal/share/services.py", source) == ["journal/share/services.py:3"]
    assert misplaced_commits("journal/share/routes.py", source) == []
    command = "@click.command('x')\n@with_appcontext\ndef x():\n    db.session.commit()\n"
    assert misplaced_commits("journal/crypto.py", command) == []


@pytest.fixture
def app():
    """An app whose errors are answered as in production (500), with test-only routes."""
    made = app_with_schema(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    app = next(made)

    def share_then(user_id: int, outcome: str):
        """Create two links through the service, then end the request as `outcome` says."""
        user = db.session.get(User, user_id)
        shares.create_share(user, {"label": "first"})
        shares.create_share(user, {"label": "second"})
        if outcome == "crash":
            raise RuntimeError("a bug after the writes")
        if outcome == "invalid":
            raise Invalid("Some fields need attention.", {"label": "No."})
        if outcome == "refuse":
            return "refused", 409
        return "made", 201

    def share_and_say(user_id: int, outcome: str):
        """Like share_then, with an action (an e-mail, say) that waits for the commit."""
        on_commit(lambda: app.config["SAID"].append(links(app)))
        return share_then(user_id, outcome)

    app.config["SAID"] = []
    app.add_url_rule("/_test/share/<int:user_id>/<outcome>", view_func=share_then)
    app.add_url_rule("/_test/say/<int:user_id>/<outcome>", view_func=share_and_say)
    yield app
    next(made, None)  # drop the schema


def links(app) -> int:
    """Count the share links stored (read through a new session)."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ShareLink))


def test_a_request_commits_its_changes_together(app, client, user):
    """A request that succeeds stores every change it made, in one commit."""
    assert client.get(f"/_test/share/{user.id}/ok").status_code == 201
    assert links(app) == 2


@pytest.mark.parametrize(("outcome", "status"), [("crash", 500), ("invalid", 422), ("refuse", 409)])
def test_a_failed_request_leaves_nothing_behind(app, client, user, outcome, status):
    """A service that writes and then fails (raised, refused or crashed) leaves no rows."""
    assert client.get(f"/_test/share/{user.id}/{outcome}").status_code == status
    assert links(app) == 0


@pytest.mark.parametrize(("outcome", "said"), [("ok", [2]), ("refuse", []), ("crash", [])])
def test_what_waits_for_the_commit_runs_after_it_and_only_then(app, client, user, outcome, said):
    """on_commit: after a commit the action sees the rows stored; after a rollback it never runs."""
    client.get(f"/_test/say/{user.id}/{outcome}")
    assert app.config["SAID"] == said
    client.get(f"/_test/share/{user.id}/ok")  # a later commit does not run a dropped action
    assert app.config["SAID"] == said


def test_an_autonomous_write_refuses_to_commit_a_callers_work(app, user):
    """alone() raises, committing nothing, when the caller has written (ORM or SQL)."""
    with app.app_context():
        owner = db.session.get(User, user.id)
        shares.create_share(owner, {"label": "half done"})
        with pytest.raises(RuntimeError, match="uncommitted"):
            with autonomous.alone("security_log"):
                pass
        db.session.rollback()
        db.session.execute(update(User).where(User.id == user.id).values(timezone="UTC"))
        with pytest.raises(RuntimeError, match="uncommitted"):
            with autonomous.alone("security_log"):
                pass
        db.session.rollback()
    assert links(app) == 0
    with app.app_context():
        assert db.session.get(User, user.id).timezone == user.timezone


def test_only_named_writes_may_stand_alone():
    """Every autonomous write is named, with its reason, in journal/autonomous.py."""
    with pytest.raises(ValueError, match="not an autonomous write"):
        autonomous.alone("anything")
    assert all(len(why) > 20 for why in autonomous.WHY.values())


def test_a_failed_sign_in_is_logged_and_counted_though_its_request_fails(app, api, user):
    """The security log and the throttle counter stand although the 401 rolls back its request."""
    assert api.login(user.email, "not the password").status_code == 401
    with app.app_context():
        kinds = db.session.scalars(select(SecurityEvent.kind)).all()
        hits = db.session.scalars(select(ThrottleCounter.hits)).all()
    assert kinds == ["signin_failed"]
    assert hits == [1, 1]  # one per address, one per account


def test_a_session_touch_joins_a_unit_that_has_written(app, user):
    """alone_or_joined() commits alone in a clean session, and never commits a caller's writes."""
    with app.app_context():
        owner = db.session.get(User, user.id)
        shares.create_share(owner, {"label": "half done"})
        with autonomous.alone_or_joined("session_touch"):
            owner.timezone = "UTC"
        db.session.rollback()  # the caller's unit fails: the joined write goes with it
    assert links(app) == 0
    with app.app_context():
        with autonomous.alone_or_joined("session_touch"):
            db.session.get(User, user.id).timezone = "UTC"
        db.session.rollback()  # nothing left to roll back: the write committed alone
        assert db.session.get(User, user.id).timezone == "UTC"
