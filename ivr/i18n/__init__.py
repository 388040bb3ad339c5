"""Every caller-facing word outside Python: gettext catalogs (.po, read with Babel), per language.

Shipped catalogs live in ivr/i18n/locales/<locale>/LC_MESSAGES/cityline.po; a city
overrides any message, or adds a language, with catalogs of its own in the same
layout under MESSAGES_DIR.  Message ids are symbolic (`collection.next`); the
English catalog is the source every other language is checked against
(`cityline messages check`).  Placeholders are Python's `{name}`; `{city}` is
always the city's name (CITY_NAME).
"""

from ivr.i18n.catalog import Catalogs, Section, babel_locale, catalogs, configure, service_name

__all__ = ["Catalogs", "Section", "babel_locale", "catalogs", "configure", "service_name"]
