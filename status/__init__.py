"""Credential status: W3C Bitstring Status List 1.0 lists and their index allocation."""
