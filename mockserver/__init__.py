"""specmock: contract-driven mock servers and property-based contract suites."""

__version__ = "0.1.0"
