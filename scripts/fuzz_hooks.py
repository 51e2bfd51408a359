"""Schemathesis hooks for make fuzz: strategies for paydesk's own scalars (loaded by SCHEMATHESIS_HOOKS)."""

from __future__ import annotations

from decimal import Decimal

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

# Money and percentages arrive as decimal strings (or JSON numbers); include the awkward ones.
_decimals = st.one_of(
    st.decimals(min_value=Decimal("-1000000"), max_value=Decimal("1000000"), allow_nan=False, places=2),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from(["1e999999", "-0", "0.001", "NaN", "", "1,000.00", " 12.50 "]).map(
        Decimal.__new__ and str
    ),
)
schemathesis.graphql.scalar("Decimal", _decimals.map(lambda value: nodes.String(str(value))))
