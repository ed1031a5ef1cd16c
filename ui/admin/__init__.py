"""The admin's workspace: every instructor's bookings, reviewed, acted on, exported, charted."""
