"""Decide every card of a batch: occasions, messages, codes, per-order planner, the plan.

``batch.plan_batch`` runs every step without writing anything and returns a ``BatchPlan``.
"""
