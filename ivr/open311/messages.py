"""Validation problems worded for API clients, with the spec's parameter names."""

from __future__ import annotations

from ivr.open311.validation import Problem

#: Our field names as the spec names the parameters.
PARAMETERS = {"latitude": "lat", "longitude": "long", "address": "address_string", "name": "first_name/last_name",
              "zip_code": "zipcode"}

SENTENCES = {
    "required": "{parameter} is required",
    "unknown": "service_code {code} was not found",
    "half_coordinates": "lat and long must be sent together",
    "bad_coordinates": "{parameter} must be a number from -{limit} to {limit} (WGS84 degrees)",
    "too_long": "{parameter} is longer than {limit} characters",
    "html": "description may contain line breaks but not HTML or code",
    "invalid": "{parameter} is not valid",
    "missing_attribute": "{parameter} is required: {question}",
    "bad_attribute": "{parameter} is not a valid {datatype}",
    "unknown_attribute": "{parameter} is not an attribute of service {service}",
}
LOCATION_REQUIRED = "a location is required: lat and long, address_string or address_id"


def describe(problem: Problem) -> str:
    if problem.field == "location" and problem.reason == "required":
        return LOCATION_REQUIRED
    parameter = PARAMETERS.get(problem.field, problem.field)
    sentence = SENTENCES.get(problem.reason, "{parameter} is not valid").format(parameter=parameter, **problem.params)
    keys = problem.params.get("keys")
    if problem.reason == "bad_attribute" and keys:
        sentence += f"; choose from: {keys}"
    return sentence
