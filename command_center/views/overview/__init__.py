"""The county overview (总览)."""
