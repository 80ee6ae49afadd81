"""Suggestions and what is still open for an annotator: the one rule (`rules`) over plain
rows, and character-range coverage in log time (`ranges`). Nothing here reads the store.

May import: vocab. Everything that asks "is this suggestion still open?" imports this.
"""
