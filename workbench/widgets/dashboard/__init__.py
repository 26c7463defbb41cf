"""The supervisor dashboard: app, filter controls, views, charts, drill-down lists."""
