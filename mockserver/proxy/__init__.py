"""`specmock proxy`: a validating proxy in front of a real server (app.py), holding its traffic
to the contract with the engine's own checks (checks.py), reporting what broke (report.py) and
recording what it saw in the contract's format (record.py)."""

from mockserver.engine.violations import VIOLATIONS_HEADER
from mockserver.proxy.app import ProxyApp
from mockserver.proxy.checks import ContractChecks, Finding
from mockserver.proxy.record import Recorder, redact
from mockserver.proxy.report import ProxyReport

__all__ = [
    "VIOLATIONS_HEADER",
    "ContractChecks",
    "Finding",
    "ProxyApp",
    "ProxyReport",
    "Recorder",
    "redact",
]
