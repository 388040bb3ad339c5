"""Residents on the web: report a problem and check a case, in the flow's languages, without JavaScript.

Reports are checked by the Open311 validation rules (ivr.open311.validation)
and filed with the channel "web".
"""

from __future__ import annotations

from ivr.web.views import bp

__all__ = ["bp"]
