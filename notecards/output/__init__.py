"""Make the print files and finish a batch: render, hand-off, PDF/X, manifest, job ticket.

``render.render_files`` is the one way PDFs are made (batch, streamed batch, preview and
review desk all call it or the hand-off under it); ``run.run_batch`` is the one place that
chooses how a batch runs.
"""
