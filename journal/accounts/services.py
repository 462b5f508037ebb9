"""Account actions: change password or e-mail, reset a forgotten password, delete everything."""

import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from ..errors import DomainError, Invalid
from ..extensions import db
from ..models import User
from . import clock, passwords, sessions
from .models import PasswordResetToken
from .rules import EMAIL_CHANGE
from .users import find_user

RESET_LIFETIME = timedelta(hours=1)


class WrongPassword(DomainError):
    """The current password given to confirm an action is wrong."""

    status = 403
    code = "wrong_password"


def require_password(user: User, password: object, field: str = "password") -> None:
    """Raise WrongPassword unless the password is the user's."""
    if not isinstance(password, str) or not user.check_password(password):
        raise WrongPassword("That is not your current password.", {field: "Not your password."})


def set_new_password(user: User, password: object, field: str = "new_password") -> None:
    """Store a new password after checking its strength, or raise Invalid."""
    problem = passwords.problem(password, (user.email, user.email.split("@")[0]))
    if problem:
        raise Invalid("Choose a stronger password.", {field: problem})
    user.set_password(password)


def change_password(user: User, current: object, new: object, keep_token: str | None) -> int:
    """Change the password and end the user's other sessions; return how many ended."""
    require_password(user, current, "current_password")
    set_new_password(user, new)
    db.session.commit()
    return sessions.end_all(user, keep_token)


def change_email(user: User, password: object, new_email: object) -> str:
    """Change the sign-in e-mail (password required); return the old address."""
    require_password(user, password)
    email = EMAIL_CHANGE.validate({"email": new_email, "password": password})["email"]
    other = find_user(email)
    if other is not None and other.id != user.id:
        raise Invalid("Some fields need attention.", {"email": "Another account uses it."})
    old, user.email = user.email, email
    db.session.commit()
    return old


def create_reset_token(user: User) -> str:
    """Return a new single-use reset token for the user; older ones stop working."""
    db.session.execute(delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
    token = secrets.token_urlsafe(32)
    now = clock.now()
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=sessions.token_hash(token),
            created_at=now,
            expires_at=now + RESET_LIFETIME,
        )
    )
    db.session.commit()
    return token


def reset_user(token: object) -> User | None:
    """Return the user a live reset token belongs to, or None."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    row = db.session.scalar(
        select(PasswordResetToken).where(
            PasswordResetToken.token_hash == sessions.token_hash(token),
            PasswordResetToken.expires_at > clock.now(),
        )
    )
    return db.session.get(User, row.user_id) if row else None


def reset_password(token: object, new: object) -> User:
    """Set a new password with a reset token, use the token up and end every session."""
    user = reset_user(token)
    if user is None:
        raise Invalid(
            "This reset link has expired or was already used.",
            {"token": "Ask for a new reset link."},
        )
    set_new_password(user, new)
    db.session.execute(delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
    db.session.commit()
    sessions.end_all(user)
    return user


def set_password_directly(user: User, new: object) -> None:
    """Set a password without the old one (the `flask reset-password` command) and sign out all."""
    set_new_password(user, new, "password")
    db.session.commit()
    sessions.end_all(user)


def owned_rows(user_id: int) -> list:
    """Return (table, condition) for every table holding the user's rows, children first."""
    tables = db.metadata.sorted_tables
    with_user = {table.name: table for table in tables if "user_id" in table.c}
    found = []
    for table in reversed(tables):
        if table.name == "users":
            continue
        if "user_id" in table.c:
            found.append((table, table.c.user_id == user_id))
            continue
        # A child of a user's table (share_opens under share_links): reached through its key.
        for fk in table.foreign_keys:
            parent = with_user.get(fk.column.table.name)
            if parent is not None:
                owned = select(fk.column).where(parent.c.user_id == user_id)
                found.append((table, fk.parent.in_(owned)))
    return found


def delete_account(user: User, password: object) -> int:
    """Delete the user and every row that is theirs in any table (password required)."""
    require_password(user, password)
    user_id = user.id
    # Walk the metadata, not a list, so tables other areas add later are covered too.
    for table, condition in owned_rows(user_id):
        db.session.execute(delete(table).where(condition))
    db.session.execute(delete(User.__table__).where(User.__table__.c.id == user_id))
    db.session.commit()
    db.session.expunge_all()
    return user_id
