"""Check a PDF as a print shop would: boxes, sizes, fonts, colours, marks, PDF/X rules."""
