"""The field registry of page objects: one `@field` method per item field, checked when the class is defined.

The item class (newscrawl.items.Article) declares the fields; a page object names its item class and gives each
field the page holds with a method of the same name marked `@field`. A page class that misses a field, or marks
a method that is no field, is a TypeError at import, not a silently missing key in the output. `to_item()`
calls every field method once (values are cached per page, so fields may use each other freely).

The same idea as web-poet's `@field` and `ItemPage.to_item()`, in a few lines: see docs/ARCHITECTURE.md for why
this project does not depend on web-poet.
"""

from __future__ import annotations

import functools
from typing import ClassVar

from newscrawl.items import page_fields


def field(method):
    """Mark a page-object method as the source of the item field of the same name; its value is cached per page."""
    name = method.__name__

    @functools.wraps(method)
    def cached(self):
        values = self.__dict__.setdefault("_field_values", {})
        if name not in values:
            values[name] = method(self)
        return values[name]

    cached.is_item_field = True
    return cached


def field_methods(page_class: type) -> set[str]:
    """The names of the `@field` methods of a page class, inherited ones included."""
    return {name for name in dir(page_class) if getattr(getattr(page_class, name), "is_item_field", False)}


class ItemPage:
    """A page object that gives every page field of `item_class` (see newscrawl.items.page_fields)."""

    item_class: ClassVar[type | None] = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.item_class is None:
            return
        declared, given = set(page_fields(cls.item_class)), field_methods(cls)
        if missing := sorted(declared - given):
            raise TypeError(f"{cls.__name__} has no @field method for {cls.item_class.__name__} field(s) "
                            f"{', '.join(missing)}: add one per field (or mark the field NOT_FROM_PAGE)")
        if extra := sorted(given - declared):
            raise TypeError(f"{cls.__name__} marks @field method(s) {', '.join(extra)} that "
                            f"{cls.item_class.__name__} does not declare")

    def to_item(self) -> dict:
        """{field: value} for every field the page gives, in the item's declaration order."""
        return {name: getattr(self, name)() for name in page_fields(self.item_class)}
