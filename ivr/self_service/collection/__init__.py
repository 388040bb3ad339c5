"""Trash, recycling and yard-waste days: which zone an address is in and when its carts are emptied.

The modules here are plain Python (no Flask, Twilio or SQL) except the two
edges: `sql` reads and replaces the city's collection data in the database, and
`handlers` offers the answers to the IVR flow.

- `streets`: street names as people write and say them, reduced to one key.
- `addresses`: street segments (house-number ranges, odd/even sides) to zones.
- `schedules`, `holiday_calendar`, `pickups`: weekly and every-other-week rules,
  seasons, holiday slides and one-off service changes, to the next pickup.
- `answers`: the next pickups spoken in English and Spanish.
- `csv_rows`, `address_file`, `schedule_file`, `holiday_file`, `ical_file`: the
  city's files, checked row by row before anything is loaded.
"""
