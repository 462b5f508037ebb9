"""Exports: the therapist report (PDF and printable page), chart images, CSV, JSON and FHIR."""
