"""Moved to `care.access` (every rule about who may see or do what lives there).

Kept only so that code written before the move still imports; import from `care.access`.
"""

from care.access import Side, require_side, return_side_scope, works_on  # noqa: F401
