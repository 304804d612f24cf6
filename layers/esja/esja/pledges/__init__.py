"""The public pledge: institutions sign the « Déclaration d'engagement », confirm by e-mail (double opt-in),
appear on the public registry when they consent, and may withdraw."""
