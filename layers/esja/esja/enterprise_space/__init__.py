"""The enterprises' space (/entreprise/): what an enterprise's managers see and change of their enterprise."""
