"""An address said or typed at once, found in the city's street directory.

The one function other parts call: the phone's first address prompt, the
text-message line, and (for the web form, Open311 `address_string` and the
agent console) anything that has a resident's address as one string.
"""

from __future__ import annotations

from dataclasses import dataclass

from ivr.addresses.spoken import SpokenAddress, parse_address
from ivr.self_service.collection.addresses import UNKNOWN, Directory, Lookup, find_address, find_in_zip


@dataclass(frozen=True)
class AddressMatch:
    said: SpokenAddress  # the parts as heard
    lookup: Lookup | None  # None when the parts were not enough to look anything up

    @property
    def outcome(self) -> str:
        return self.lookup.outcome if self.lookup is not None else UNKNOWN


def find_spoken_address(directory: Directory, text: str) -> AddressMatch:
    """"125 Elm St apt 4", "one twenty-five elm street", "ciento veinticinco calle Elm": the zone it is in.

    House number and street: looked up by street name (close names offered as a
    choice). House number and ZIP code without a usable street: looked up by ZIP.
    Anything less: no lookup; the caller is asked for the missing part.
    """
    said = parse_address(text)
    if said.house is None:
        return AddressMatch(said, None)
    if said.street:
        lookup = find_address(directory, said.house, said.street)
        if lookup.outcome != UNKNOWN or not said.zip:
            return AddressMatch(said, lookup)
    if said.zip:
        return AddressMatch(said, find_in_zip(directory, said.zip, said.house))
    return AddressMatch(said, None)
