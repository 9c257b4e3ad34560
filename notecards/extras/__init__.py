"""Outputs beside the print files: PNG proofs, the share image and pen-plotter SVGs.

They work from the bytes the hand-off writes (proofs, share) or from the plan (plotter).
"""
