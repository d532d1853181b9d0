"""An option list that ignores page keys while it has no size."""

from __future__ import annotations

from textual.widgets import OptionList


class Choices(OptionList):
    """`OptionList` for dltutor's lists (library, contents, dialogs).

    Textual's page up/down look the highlight up in a table that is only
    built once the list has a size; a key that arrives while the list is
    hidden (terminal shrunk below the minimum) or not yet laid out raised
    KeyError and ended the app. Such a key now does nothing.
    """

    def _laid_out(self) -> bool:
        return self.option_count > 0 and self.scrollable_content_region.area > 0

    def action_page_up(self) -> None:
        if self._laid_out():
            super().action_page_up()

    def action_page_down(self) -> None:
        if self._laid_out():
            super().action_page_down()
