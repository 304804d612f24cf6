"""Join the programme: an enterprise not registered asks to receive the alerts; its region's organizers decide."""
