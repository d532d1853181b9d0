"""Pure rendering: text and numpy arrays to Rich renderables. No Textual app."""
