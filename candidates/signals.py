from django.dispatch import Signal

# Sent inside the transaction of a stage move, once per move call, with
# stage=<Stage>, application_ids=<list[int]>, by=<User | None>.
# Receivers that enqueue work should do it with transaction.on_commit.
applications_moved = Signal()
