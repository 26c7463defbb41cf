"""Demo data: realistic Brazilian clients, contracts and a year of attendances (``workbench demo``)."""

from workbench.demo.generate import DEMO_LOGINS, DEMO_PASSWORD, DemoOptions, run_demo

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "DemoOptions", "run_demo"]
