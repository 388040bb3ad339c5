"""The agents' knowledge base: city answers as data, searched by relevance while on a call."""
