"""What a caller hears while the address is being found: the choices, and why nothing was found.

A flow's menus are fixed text, so the streets to choose from are spoken here,
by a handler, just before a one-key prompt: "Did you mean Elm Street or Elm
Avenue? Press 1 for Elm Street, press 2 for Elm Avenue."
"""

from __future__ import annotations

from collections.abc import Sequence

from babel.lists import format_list

from ivr.i18n import Section, babel_locale
from ivr.self_service.collection.addresses import NO_NUMBER, TOO_MANY, Lookup, Place
from ivr.self_service.spoken import spoken_digits_apart

#: The choices and the reasons nothing was found (catalog ids address_choices.*).
PHRASES = Section("address_choices")


def labels(places: Sequence[Place], language: str) -> list[str]:
    """How each place is named in the choice; the ZIP code is added where two streets share a name."""
    names = [place.street for place in places]
    template = PHRASES[language]["in_zip"]
    return [template.format(street=place.street, zip=spoken_digits_apart(place.zip))
            if names.count(place.street) > 1 else place.street for place in places]


def offer(places: Sequence[Place], language: str) -> tuple[str, ...]:
    """'Did you mean Elm Street or Elm Avenue?' then 'Press 1 for Elm Street, press 2 for Elm Avenue.'"""
    phrases, named = PHRASES[language], labels(places, language)
    question = phrases["offer"].format(streets=or_list(named, language))
    if len(named) == 1:
        return question, phrases["only"]
    keys = phrases["keys_joined_by"].join(phrases["key"].format(key=index, street=name)
                                          for index, name in enumerate(named, start=1))
    return question, keys[0].upper() + keys[1:] + "."


def or_list(items: Sequence[str], language: str) -> str:
    """'a', 'a or b', 'a, b, or c' / 'a, b o c' / 'a、b或c': CLDR's "or" list."""
    if len(items) < 2:
        return "".join(items)
    return format_list(list(items), style="or", locale=babel_locale(language))


def not_found(lookup: Lookup, house: str, zip_code: str, language: str) -> str:
    """Why nothing was found, in words that tell the caller what to try next."""
    phrases = PHRASES[language]
    if lookup.reason == TOO_MANY:
        return phrases["too_many"]
    if lookup.reason == NO_NUMBER and lookup.street:
        return phrases["no_number_on"].format(house=house, street=lookup.street)
    if lookup.reason == NO_NUMBER and zip_code:
        return phrases["no_number_in"].format(house=house, zip=spoken_digits_apart(zip_code))
    return phrases["no_street"] if lookup.reason != NO_NUMBER else phrases["no_address"]
