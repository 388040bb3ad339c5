"""The agents' side of CityLine: the console call-takers work in and the supervisor's floor view.

The blueprints are imported when they are registered, not with this package: they use ivr modules
(ivr.floor.publish, ...) that use agents.push.streams, and importing them here made `import agents.push.streams` a
circular import for whoever came first.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from agents import admin, auth, database_down
    from agents.console.call_controls import bp as call_controls_bp
    from agents.console.calls import bp as calls_bp
    from agents.console.cases import bp as cases_bp
    from agents.console.views import bp as console_bp
    from agents.console.wrap_up import bp as wrap_up_bp
    from agents.knowledge.views import bp as knowledge_bp
    from agents.supervisor.charts import bp as supervisor_charts_bp
    from agents.supervisor.controls import bp as supervisor_controls_bp
    from agents.supervisor.exports import bp as supervisor_exports_bp
    from agents.supervisor.supervision import bp as supervisor_supervision_bp
    from agents.supervisor.views import bp as supervisor_bp

    auth.init_app(app)
    database_down.init_app(app)
    admin.init_app(app)
    app.register_blueprint(console_bp)
    app.register_blueprint(supervisor_bp)
    app.register_blueprint(knowledge_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(calls_bp)
    app.register_blueprint(wrap_up_bp)
    app.register_blueprint(call_controls_bp)
    app.register_blueprint(supervisor_exports_bp)
    app.register_blueprint(supervisor_controls_bp)
    app.register_blueprint(supervisor_charts_bp)
    app.register_blueprint(supervisor_supervision_bp)
