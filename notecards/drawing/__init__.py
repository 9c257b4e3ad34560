"""Everything that touches a reportlab Canvas: cards, envelopes, artwork and page furniture."""
