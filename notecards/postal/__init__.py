"""Postal addresses: the one country table, and addresses formatted by the destination's rules."""
