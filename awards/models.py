"""Grants awarded: the amount, the conditions, the grant letter (issue 15, item 5)."""
