"""The next pickup: weekly and every-other-week rules, seasons, holiday slides, service changes, DST, year end."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from ivr.self_service.collection.holiday_calendar import HolidayCalendar, UnknownHoliday, check_name
from ivr.self_service.collection.pickups import next_pickup
from ivr.self_service.collection.schedules import EVERY, Rule, Schedule, Season, ServiceChange

NEW_YORK = ZoneInfo("America/New_York")
CITY_HOLIDAYS = HolidayCalendar.of(["New Year's Day", "Memorial Day", "Independence Day", "Labor Day",
                                    "Thanksgiving Day", "Christmas Day"])
MON, TUE, WED, THU, FRI = range(5)


def weekly(weekday: int, **kwargs) -> Schedule:  # type: ignore[no-untyped-def]
    return Schedule("D", "trash", Rule(weekday, **kwargs))


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


def next_day(schedule: Schedule, now: datetime, holidays: HolidayCalendar = CITY_HOLIDAYS,
             changes: tuple[ServiceChange, ...] = ()) -> date | None:
    found = next_pickup(schedule, now, NEW_YORK, holidays, changes)
    return found.pickup.day if found else None


class TestHolidaySlides:
    @pytest.mark.parametrize(("weekday", "expected"), [
        (MON, date(2026, 11, 23)), (TUE, date(2026, 11, 24)), (WED, date(2026, 11, 25)),  # before Thanksgiving
        (THU, date(2026, 11, 27)), (FRI, date(2026, 11, 28)),  # Thursday's pickup and every later one slide
    ])
    def test_thanksgiving_slides_its_day_and_the_rest_of_the_week(self, weekday, expected):
        assert next_day(weekly(weekday), at(2026, 11, 23, 0, 0)) == expected

    def test_a_slid_pickup_says_which_holiday_moved_it_and_from_when(self):
        found = next_pickup(weekly(FRI), at(2026, 11, 23), NEW_YORK, CITY_HOLIDAYS)
        assert found is not None
        assert (found.pickup.day, found.pickup.usual, found.pickup.holiday) == (
            date(2026, 11, 28), date(2026, 11, 27), "Thanksgiving Day")

    @pytest.mark.parametrize(("weekday", "expected"), [
        (MON, date(2026, 9, 8)), (TUE, date(2026, 9, 9)), (WED, date(2026, 9, 10)),
        (THU, date(2026, 9, 11)), (FRI, date(2026, 9, 12)),
    ])
    def test_a_monday_holiday_slides_the_whole_week(self, weekday, expected):
        assert next_day(weekly(weekday), at(2026, 9, 6, 12, 0)) == expected  # Labor Day, Monday the 7th

    def test_christmas_on_a_friday_slides_fridays_pickup_to_saturday(self):
        assert next_day(weekly(FRI), at(2026, 12, 21)) == date(2026, 12, 26)
        assert next_day(weekly(THU), at(2026, 12, 21)) == date(2026, 12, 24)

    def test_a_saturday_holiday_slides_nothing_itself_but_its_observed_friday_does(self):
        # Independence Day 2026 is a Saturday, observed on Friday July 3.
        assert CITY_HOLIDAYS.holiday_on(date(2026, 7, 4)) is None
        assert CITY_HOLIDAYS.holiday_on(date(2026, 7, 3)) == "Independence Day"
        assert next_day(weekly(THU), at(2026, 6, 29)) == date(2026, 7, 2)
        assert next_day(weekly(FRI), at(2026, 6, 29)) == date(2026, 7, 4)
        assert next_day(weekly(MON), at(2026, 7, 5)) == date(2026, 7, 6)  # the next week is untouched

    def test_a_sunday_holiday_observed_on_monday_slides_the_next_week(self):
        # Independence Day 2027 is a Sunday, observed on Monday July 5.
        assert next_day(weekly(MON), at(2027, 7, 3)) == date(2027, 7, 6)
        assert next_day(weekly(FRI), at(2027, 7, 3)) == date(2027, 7, 10)

    def test_a_holiday_the_city_did_not_choose_changes_nothing(self):
        assert CITY_HOLIDAYS.holiday_on(date(2026, 10, 12)) is None  # Columbus Day
        assert next_day(weekly(MON), at(2026, 10, 11)) == date(2026, 10, 12)
        columbus = HolidayCalendar.of(["Columbus Day"])
        assert next_day(weekly(MON), at(2026, 10, 11), columbus) == date(2026, 10, 13)

    def test_no_holidays_chosen_means_no_slides(self):
        assert next_day(weekly(THU), at(2026, 11, 23), HolidayCalendar.of([])) == date(2026, 11, 26)

    def test_the_calendar_spells_names_its_own_way_and_refuses_unknown_ones(self):
        assert check_name("thanksgiving day") == "Thanksgiving Day"
        with pytest.raises(UnknownHoliday, match="did you mean 'Thanksgiving Day'"):
            check_name("Thanksgiving")
        with pytest.raises(UnknownHoliday):
            check_name("Festivus")


class TestEveryOtherWeek:
    RECYCLING = Schedule("D", "recycling", Rule(THU, 2, date(2026, 1, 15)))

    def test_the_parity_comes_from_the_start_date(self):
        assert next_day(self.RECYCLING, at(2026, 11, 23)) == date(2026, 12, 3)  # not Thanksgiving week
        assert next_day(self.RECYCLING, at(2026, 12, 4)) == date(2026, 12, 17)

    def test_the_parity_survives_a_53_week_year(self):
        # 2026 has an ISO week 53: counting ISO weeks would put the next pickup on January 7.
        assert next_day(self.RECYCLING, at(2026, 12, 31, 8, 0)) == date(2027, 1, 14)
        assert next_day(self.RECYCLING, at(2027, 1, 15)) == date(2027, 1, 28)

    def test_no_pickup_before_the_start(self):
        assert next_day(self.RECYCLING, at(2025, 12, 1)) == date(2026, 1, 15)
        assert next_day(weekly(MON, start=date(2027, 1, 4)), at(2026, 12, 1)) == date(2027, 1, 4)


class TestYearEnd:
    def test_new_years_day_on_a_friday_slides_into_the_new_year_week(self):
        found = next_pickup(weekly(FRI), at(2026, 12, 31, 20, 0), NEW_YORK, CITY_HOLIDAYS)
        assert found is not None and (found.pickup.day, found.pickup.holiday) == (date(2027, 1, 2), "New Year's Day")

    def test_a_holiday_observed_in_the_old_year_slides_the_last_friday(self):
        # New Year's Day 2028 is a Saturday, observed on Friday December 31, 2027.
        assert next_day(weekly(FRI), at(2027, 12, 27)) == date(2028, 1, 1)

    def test_thursday_before_new_years_day_is_not_moved(self):
        assert next_day(weekly(THU), at(2026, 12, 30)) == date(2026, 12, 31)


class TestCutoffAndClocks:
    def test_today_counts_until_the_cutoff(self):
        assert next_day(weekly(TUE), at(2026, 11, 24, 6, 59)) == date(2026, 11, 24)
        assert next_day(weekly(TUE), at(2026, 11, 24, 7, 0)) == date(2026, 12, 1)

    def test_the_cutoff_is_the_schedules_own(self):
        early = Schedule("D", "trash", Rule(TUE), cutoff=time(6, 0))
        assert next_day(early, at(2026, 11, 24, 6, 30)) == date(2026, 12, 1)

    @pytest.mark.parametrize(("utc", "expected"), [
        (datetime(2026, 11, 2, 11, 59, tzinfo=UTC), date(2026, 11, 2)),  # 6:59 EST, the day after clocks went back
        (datetime(2026, 11, 2, 12, 0, tzinfo=UTC), date(2026, 11, 9)),  # 7:00 EST
        (datetime(2027, 3, 15, 10, 59, tzinfo=UTC), date(2027, 3, 15)),  # 6:59 EDT, the day after clocks went forward
        (datetime(2027, 3, 15, 11, 30, tzinfo=UTC), date(2027, 3, 22)),  # 7:30 EDT (6:30 by last week's offset)
    ])
    def test_the_cutoff_is_read_in_the_citys_time_across_dst_changes(self, utc, expected):
        assert next_day(weekly(MON), utc) == expected


class TestSeasons:
    YARD = Schedule("D", "yard_waste", Rule(THU, season=Season((4, 1), (11, 30))))

    def test_in_season_pickups_slide_for_holidays_like_the_rest(self):
        assert next_day(self.YARD, at(2026, 11, 24)) == date(2026, 11, 27)

    def test_after_the_season_the_next_pickup_is_the_first_of_the_next_season(self):
        assert next_day(self.YARD, at(2026, 11, 28)) == date(2027, 4, 1)

    def test_a_season_may_run_over_the_new_year(self):
        trees = Schedule("D", "yard_waste", Rule(MON, season=Season((12, 26), (1, 31))))
        assert next_day(trees, at(2026, 12, 1)) == date(2026, 12, 28)
        assert next_day(trees, at(2027, 1, 26)) == date(2027, 12, 27)
        assert Season((12, 26), (1, 31)).contains(date(2027, 1, 4))


class TestServiceChanges:
    def test_a_storm_delay_moves_one_zones_pickup(self):
        storm = ServiceChange("D", "trash", date(2026, 12, 3), date(2026, 12, 4), "snow")
        found = next_pickup(weekly(THU), at(2026, 12, 1), NEW_YORK, CITY_HOLIDAYS, [storm])
        assert found is not None and (found.pickup.day, found.pickup.usual, found.pickup.moved) == (
            date(2026, 12, 4), date(2026, 12, 3), True)

    def test_a_cancelled_pickup_is_skipped_and_remembered(self):
        cancelled = ServiceChange("D", "trash", date(2026, 12, 3), None)
        found = next_pickup(weekly(THU), at(2026, 12, 1), NEW_YORK, CITY_HOLIDAYS, [cancelled])
        assert found is not None and found.pickup.day == date(2026, 12, 10)
        assert found.cancelled == (date(2026, 12, 3),)

    def test_a_change_for_another_zone_or_stream_does_not_apply(self):
        other = [ServiceChange("B", "trash", date(2026, 12, 3), None),
                 ServiceChange("D", "recycling", date(2026, 12, 3), None)]
        assert next_day(weekly(THU), at(2026, 12, 1), changes=tuple(other)) == date(2026, 12, 3)

    def test_a_city_wide_change_applies_and_a_specific_one_outranks_it(self):
        citywide = ServiceChange(EVERY, EVERY, date(2026, 12, 3), date(2026, 12, 5))
        assert next_day(weekly(THU), at(2026, 12, 1), changes=(citywide,)) == date(2026, 12, 5)
        mine = ServiceChange("D", "trash", date(2026, 12, 3), date(2026, 12, 4))
        assert next_day(weekly(THU), at(2026, 12, 1), changes=(mine, citywide)) == date(2026, 12, 4)

    def test_a_change_names_the_day_after_the_holiday_slide(self):
        storm = ServiceChange("D", "trash", date(2026, 11, 27), date(2026, 11, 28))  # Thanksgiving's Friday
        assert next_day(weekly(THU), at(2026, 11, 24), changes=(storm,)) == date(2026, 11, 28)

    def test_a_past_pickup_moved_into_the_coming_days_is_next(self):
        late = ServiceChange("D", "trash", date(2026, 11, 19), date(2026, 11, 25))
        assert next_day(weekly(THU), at(2026, 11, 24), changes=(late,)) == date(2026, 11, 25)


class TestPublishedCalendars:
    CALENDAR = Schedule("E", "recycling", None, (date(2026, 11, 20), date(2026, 11, 27), date(2026, 12, 4)))

    def test_dates_are_taken_as_published_without_holiday_slides(self):
        assert next_day(self.CALENDAR, at(2026, 11, 21)) == date(2026, 11, 27)  # the day after Thanksgiving

    def test_service_changes_apply_to_published_dates(self):
        moved = ServiceChange("E", "recycling", date(2026, 11, 27), date(2026, 11, 30))
        assert next_day(self.CALENDAR, at(2026, 11, 21), changes=(moved,)) == date(2026, 11, 30)

    def test_a_calendar_that_has_run_out_has_no_next_pickup(self):
        assert next_day(self.CALENDAR, at(2026, 12, 5)) is None
