"""Server push to agents' and supervisors' pages: topics kept as Redis streams (`streams`), served as
server-sent events by any web process (`events_http`), and the presence an open page keeps renewed."""
