"""`specmock proxy`: a validating proxy in front of a real server (app.py), holding its traffic
to the contract with the engine's own checks (checks.py), reporting what broke (report.py) and
recording what it saw in the contract's format (record.py)."""

from specmock.engine.violations import VIOLATIONS_HEADER
from specmock.proxy.app import ProxyApp
from specmock.proxy.checks import ContractChecks, Finding
from specmock.proxy.record import Recorder, redact
from specmock.proxy.report import ProxyReport

__all__ = [
    "VIOLATIONS_HEADER",
    "ContractChecks",
    "Finding",
    "ProxyApp",
    "ProxyReport",
    "Recorder",
    "redact",
]
