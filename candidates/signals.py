from django.dispatch import Signal

# Sent inside the transaction of a stage move, once per move call, with
# stage=<Stage>, application_ids=<list[int]>, by=<User | None>,
# from_stages=<dict[int, int | None]> (each application's stage id before the move; None: new).
# Receivers that enqueue work should do it with transaction.on_commit.
applications_moved = Signal()
