from dataclasses import dataclass

from django.dispatch import Signal

# Sent inside the transaction of a stage move, once per move call, with
# stage=<Stage>, application_ids=<list[int]>, by=<User | None>,
# from_stages=<dict[int, int | None]> (each application's stage id before the move; None: new).
# notices=<list[Notice] | None> (the caller's list; a receiver appends what else the move set off,
# for the person who moved them to read).
# Receivers that enqueue work should do it with transaction.on_commit.
applications_moved = Signal()


@dataclass(frozen=True)
class Notice:
    """One thing a move set off, said to whoever made it: "Sending Intro to 3 of them." with a link."""

    text: str
    url: str = ""
    link_text: str = ""
