"""Fields made of other values: objects of named sub-fields, lists, tags, links, raw JSON."""

from dataclasses import dataclass, field

from .base import Field
from .checks import clean_text

UNKNOWN = "Not a field this journal records."


@dataclass(frozen=True)
class Group(Field):
    """An object of named sub-fields; keeps those given, None when none were."""

    fields: dict = field(default_factory=dict)
    message: str = "Must be an object."
    unknown: str = UNKNOWN
    # Partial: only the keys given are checked and returned (a change to part of a setting).
    partial: bool = False

    kind = "group"

    def check(self, value, path, errors):
        """Check each sub-field; name unknown keys."""
        if not isinstance(value, dict):
            errors[path] = self.message
            return None
        for key in value:
            if key not in self.fields:
                errors[f"{path}.{key}"] = self.unknown
        if self.partial:
            return {
                key: sub.clean_given(value[key], f"{path}.{key}", errors)
                for key, sub in self.fields.items()
                if key in value
            }
        clean = {}
        for key, sub in self.fields.items():
            result = sub.clean(value.get(key), f"{path}.{key}", errors)
            if result is not None:
                clean[key] = result
        return clean or None

    def dump(self, value):
        """A plain dict (or None)."""
        if not value:
            return None
        return {
            key: self.fields[key].dump(item) if key in self.fields else item
            for key, item in value.items()
        }

    def schema(self):
        """An object with its properties."""
        required = [key for key, sub in self.fields.items() if sub.required]
        properties = {key: sub.json_schema() for key, sub in self.fields.items()}
        if self.partial:
            # A key left out stays as it was: no default applies.
            for schema in properties.values():
                schema.pop("default", None)
        return {
            "type": "object",
            "properties": properties,
            **({"required": required} if required else {}),
        }

    def vocabulary(self):
        """The sub-fields, each with its form control."""
        return {
            **super().vocabulary(),
            "fields": {key: sub.vocabulary() for key, sub in self.fields.items()},
        }

    def sub(self, key):
        """Return the sub-field by that name."""
        return self.fields.get(key)


@dataclass(frozen=True)
class ListOf(Field):
    """A list of values of one field type (short texts, {name, phone} entries)."""

    item: Field = field(default_factory=Field)
    max_items: int = 20
    message: str = "Must be a list."

    kind = "list"

    @property
    def empty(self):
        """Nothing given is an empty list."""
        return []

    def check(self, value, path, errors):
        """Check each item under its index; refuse more than `max_items`."""
        if not isinstance(value, list):
            errors[path] = self.message
            return []
        if len(value) > self.max_items:
            errors[path] = f"At most {self.max_items} items."
            return []
        clean = [
            self.item.clean(item, f"{path}.{index}", errors) for index, item in enumerate(value)
        ]
        return [item for item in clean if item is not None]

    def dump(self, value):
        """Each item as JSON."""
        return [self.item.dump(item) for item in value or []]

    def schema(self):
        """An array of the item's schema."""
        return {"type": "array", "maxItems": self.max_items, "items": self.item.json_schema()}

    def vocabulary(self):
        """The item's vocabulary too."""
        return {**super().vocabulary(), "item": self.item.vocabulary()}

    def sub(self, key):
        """Every index names the item field."""
        return self.item if key.isdigit() else None


@dataclass(frozen=True)
class Tags(Field):
    """Short labels: trimmed, without repeats (ignoring case), first spelling and order kept.

    `fold_case` also lower-cases them; `commas` lets a tag hold a comma; `joiner` joins them in
    one CSV cell.
    """

    max_items: int = 20
    max_length: int = 40
    fold_case: bool = True
    commas: bool = False
    joiner: str = ", "

    kind = "tags"

    @property
    def empty(self):
        """No tags is an empty list."""
        return []

    def check(self, value, path, errors):
        """Normalise each tag; refuse non-text, overlong tags and too many."""
        if not isinstance(value, list):
            errors[path] = "Tags are a list of words."
            return []
        if len(value) > self.max_items * 5:
            # Checked before the work: a huge list would otherwise cost time per request.
            errors[path] = f"At most {self.max_items} tags."
            return []
        # Keyed by the case-folded tag: the first spelling stays, in order, repeats found fast.
        seen: dict[str, str] = {}
        for index, tag in enumerate(value):
            tag = self.one(tag, f"{path}.{index}", errors)
            if tag is not None:
                seen.setdefault(tag.casefold(), tag)
        if len(seen) > self.max_items:
            errors[path] = f"At most {self.max_items} tags."
        return list(seen.values())

    def one(self, tag: object, path: str, errors: dict) -> str | None:
        """Return one tag trimmed (and folded), or note why it cannot be one."""
        if not isinstance(tag, str):
            errors[path] = "A tag is text."
            return None
        tag = clean_text(tag, path, errors)
        if tag is None:
            return None
        tag = " ".join(tag.split())
        if self.fold_case:
            tag = tag.lower()
        if not 1 <= len(tag) <= self.max_length:
            errors[path] = f"A tag is 1 to {self.max_length} characters."
        elif "," in tag and not self.commas:
            # The page edits tags as one comma-separated line; a comma would split the tag.
            errors[path] = "A tag cannot contain a comma."
        elif self.joiner.strip() not in ("", ",") and self.joiner.strip() in tag:
            # Exports join tags with it in one CSV cell: a tag holding it would come back as two.
            errors[path] = f'A tag cannot contain "{self.joiner.strip()}".'
        else:
            return tag
        return None

    def dump(self, value):
        """A plain list."""
        return list(value or [])

    def schema(self):
        """A list of short strings."""
        return {
            "type": "array",
            "maxItems": self.max_items,
            "items": {"type": "string", "minLength": 1, "maxLength": self.max_length},
        }

    def form_attrs(self):
        """Nothing the browser can check on a comma-separated line."""
        return {}


@dataclass(frozen=True)
class Reference(Field):
    """Another record of the same user, named by its client id (resolved by the record)."""

    kind = "reference"

    def check(self, value, path, errors):
        """Pass the id on; '' is no link."""
        return value or None

    def schema(self):
        """A UUID string."""
        return {"type": "string", "format": "uuid"}


@dataclass(frozen=True)
class Raw(Field):
    """A value another rule checks (an instrument's answers); documented by `json`."""

    json: dict = field(default_factory=dict)

    def schema(self):
        """Whatever the record says."""
        return dict(self.json)
