"""Property-based contract suites: hold any deployment, real or mock, to its contract.

Run `pytest suites [--contract DIR] [--target URL --username U --password P]`; see plugin.py.
"""
