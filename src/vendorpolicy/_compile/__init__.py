"""The compiled form of a rule set: the same decisions as the interpreter, faster.

Three forms are kept apart: the rule values users build, the file format, and this private
compiled form. The interpreter (``_trace``, ``_engine``) is the specification; the engine builds a
:class:`Program` once per rule set (kept on the rule set) and lets it decide, and every field of
its decisions agrees with the interpreter's — rule results and traces are the interpreter's own,
computed when first read. See ``docs/evaluation.md``.

For bulk input (rows, columns) the pieces are meant to be reused without a ``Purchase`` per row:
each facet's key is a plain function of one column's value (``Facet.expr``), the facet tables map
a key to its class record, and a row's mask is the OR of its facets' records and its groups';
only a key never seen before needs a purchase built, once, to evaluate the facet's atoms.

Imports point one way: the engine imports this package; this package imports the model, the
predicates, the interpreter's ``trace_purchase`` and the decision values, and reaches the
engine's own functions only through the :class:`Hooks` it is given.
"""

from vendorpolicy._compile._program import Hooks, Program, compile_rule_set

__all__ = ["Hooks", "Program", "compile_rule_set"]
