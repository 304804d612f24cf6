"""Was it relevant? The « Pertinent » / « Pas pertinent » links of every alert, the votes they record, and
what a profile's « pas pertinent » votes suggest changing (an excluded word, a narrower code)."""
