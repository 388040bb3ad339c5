"""Contact-center routing: skill-based agent queues whose live state is shared through Redis.

Decisions (who may take a call, which agent a strategy picks, how long the
wait will be) are plain functions in `matching`, `strategies` and `estimates`;
every change of live state is one Lua script in `lua`, so any number of web
processes and workers see one consistent contact center.  Start with
`routing.router.Router`; the data model is described in docs/routing.md.
"""
