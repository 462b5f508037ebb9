"""Share links: a read-only, expiring, revocable view of a date range for a therapist."""
