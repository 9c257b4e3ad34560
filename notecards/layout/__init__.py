"""Pure geometry in points: formats, panels, text fitting, envelopes, labels, imposition, QR.

Nothing here draws or reads files, except ``fonts`` (reportlab's font registry, for measuring).
"""
