"""The organizers' console: the use cases behind /organisation/ (each takes the Actor first)."""
