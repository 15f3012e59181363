"""queue screens."""
