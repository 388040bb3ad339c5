"""Addresses as residents say or type them: "one twenty-five Elm Street, apartment 4", "ciento veinticinco calle Elm".

`number_words` turns spoken numbers into digits (English and Spanish),
`spoken` splits an address into house number, street, unit and ZIP code, and
`lookup` finds it in the city's street directory.  Plain Python: the phone,
the text-message line, the web form and Open311 call the same functions.
"""
