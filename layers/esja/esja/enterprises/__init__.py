"""The enterprises as the programme keeps them: what happens to one that leaves (removal)."""
