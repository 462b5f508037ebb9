"""The export_jobs table: one export made in the background, its state and its file."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import UTCDateTime, utcnow

KINDS = ("pdf", "png", "svg", "csv", "json", "fhir")
STATES = ("queued", "running", "done", "failed")


class ExportJob(db.Model):
    """An export a person asked for, made by a runner process and fetched when done."""

    __tablename__ = "export_jobs"
    __table_args__ = (Index("ix_export_jobs_state_created", "state", "created_at"),)

    # uuid4 hex: the id is in URLs, so it must not be guessable or count the server's exports.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    # The sync route's query parameters, already validated (strings, as a query string gives).
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(8), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    progress_text: Mapped[str] = mapped_column(String(120), default="Waiting to start")
    error: Mapped[str | None] = mapped_column(Text)
    # Claims so far: a job whose runner died is queued again once, then reported failed.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    runner_pid: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    file_name: Mapped[str | None] = mapped_column(String(160))
    file_size: Mapped[int | None] = mapped_column(Integer)
    mimetype: Mapped[str | None] = mapped_column(String(64))
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
