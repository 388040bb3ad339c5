"""Dates and times as a caller should hear them, in English and Spanish.

Text-to-speech reads "08:00" and "2026-11-30" badly; these helpers write what a
person would say: "8 AM", "las 8 de la mañana", "Monday, November 30".
"""

from __future__ import annotations

from datetime import date, time

WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}
MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
}


def spoken_time(moment: time, language: str) -> str:
    """'8 AM', '12:30 PM', 'midnight' / 'las 8 de la mañana', 'la 1 de la tarde'."""
    if moment == time.max:
        return "midnight" if language == "en" else "la medianoche"
    if moment == time(12, 0):
        return "noon" if language == "en" else "las 12 del mediodía"
    return _time_es(moment) if language == "es" else _time_en(moment)


def _time_en(moment: time) -> str:
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes} {'AM' if moment.hour < 12 else 'PM'}"


def _time_es(moment: time) -> str:
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    if moment.hour < 12:
        part = "de la mañana"
    elif moment.hour < 20:
        part = "de la tarde"
    else:
        part = "de la noche"
    article = "la" if hour == 1 else "las"
    return f"{article} {hour}{minutes} {part}"


def spoken_date(day: date, language: str) -> str:
    """'Monday, November 30' / 'el lunes 30 de noviembre'."""
    weekday = WEEKDAYS[language][day.weekday()]
    month = MONTHS[language][day.month - 1]
    if language == "es":
        return f"el {weekday} {day.day} de {month}"
    return f"{weekday}, {month} {day.day}"


def spoken_day(day: date, today: date, language: str) -> str:
    """'today', 'tomorrow' or the full date, whichever a person would say."""
    offset = (day - today).days
    if offset == 0:
        return "today" if language == "en" else "hoy"
    if offset == 1:
        return "tomorrow" if language == "en" else "mañana"
    return ("on " if language == "en" else "") + spoken_date(day, language)


def spoken_list(items: list[str], language: str, separator: str = ", ") -> str:
    """'a, b and c' / 'a, b y c'; items that hold commas themselves are better split by '; '."""
    if len(items) < 2:
        return "".join(items)
    conjunction = " and " if language == "en" else " y "
    if separator != ", ":
        conjunction = separator.rstrip() + conjunction
    return separator.join(items[:-1]) + conjunction + items[-1]


def spoken_month_day(day: date, language: str) -> str:
    """'December 3' / '3 de diciembre' ('primero de diciembre', as Spanish speakers say the 1st)."""
    month = MONTHS[language][day.month - 1]
    if language == "es":
        return f"{'primero' if day.day == 1 else day.day} de {month}"
    return f"{month} {day.day}"


def spoken_weekday_date(day: date, language: str) -> str:
    """'Thursday, November 26' / 'jueves 26 de noviembre' (no article, so it fits after 'del')."""
    weekday = WEEKDAYS[language][day.weekday()]
    if language == "es":
        return f"{weekday} {spoken_month_day(day, language)}"
    return f"{weekday}, {spoken_month_day(day, language)}"


def spoken_digits_apart(number: str) -> str:
    """'62701' -> '6 2 7 0 1', so a voice reads a ZIP code digit by digit."""
    return " ".join(number)
