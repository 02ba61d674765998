"""Back/forward history of locations, as in a file manager (plain Python, easy to test)."""

from __future__ import annotations

from s3browser.core.s3.locations import Location


class History:
    def __init__(self) -> None:
        self._back: list[Location] = []
        self._forward: list[Location] = []
        self.current = Location()

    def visit(self, location: Location) -> None:
        """Go somewhere new: the old place joins 'back', 'forward' is forgotten."""
        if location == self.current:
            return
        self._back.append(self.current)
        self._forward.clear()
        self.current = location

    def reset(self, location: Location = Location()) -> None:
        self._back.clear()
        self._forward.clear()
        self.current = location

    @property
    def can_go_back(self) -> bool:
        return bool(self._back)

    @property
    def can_go_forward(self) -> bool:
        return bool(self._forward)

    def back(self) -> Location:
        if self._back:
            self._forward.append(self.current)
            self.current = self._back.pop()
        return self.current

    def forward(self) -> Location:
        if self._forward:
            self._back.append(self.current)
            self.current = self._forward.pop()
        return self.current
