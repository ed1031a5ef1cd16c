"""The week calendar: a custom-painted week of teaching hours and lessons.

- ``week_view.WeekView``: the widget (interaction, keyboard path, signals, undo);
- ``painter.WeekPainter`` / ``header.HeaderPainter`` / ``cards``: all drawing, cached;
- ``geometry.WeekGeometry``: minute <-> y, day <-> column, hit testing;
- ``timeline.DisplayWeek``: the snapshot converted to a display time zone (DST aware);
- ``editing`` / ``commands``: what an hour edit changes, as undoable commands;
- ``ranges``: interval algebra on wall-clock hours; ``describe``: the view in words.
"""
