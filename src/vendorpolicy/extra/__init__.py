"""Integrations with optional dependencies, one module each (as ``hypothesis.extra``).

Each module imports its dependency at the top; the core package never imports them. A module
whose dependency is missing fails with the ``pip install vendorpolicy[...]`` that installs it.
"""
