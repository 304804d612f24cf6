"""The enterprises' space (/entreprise/): their own alert profiles with a live preview, the codes to choose
them by; use cases that take the person acting and decide themselves what that person may do."""
