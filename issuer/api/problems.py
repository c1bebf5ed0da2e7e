"""RFC 9457 "Problem Details for HTTP APIs" responses: the only error format of the service.

Shared by every Shahada web service: see :mod:`shahada.common.problems` (``type``
``urn:shahada:problem:<code>``, ``title``, ``status``, ``detail`` and the stable ``code``).
"""

from __future__ import annotations

from shahada.common.problems import PROBLEM_JSON, problem

__all__ = ["PROBLEM_JSON", "problem"]
