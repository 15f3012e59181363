"""The office's rules as plain functions over plain data; no Textual, no Rich."""
