"""Lesson screens: the lists with their detail pane, the needs-attention list and the dialogs
(cancel with a reason, book for a student). They show read models and emit signals; the
caller runs the use cases through ``ui.ops``."""
