"""The Profile page: what students read about the instructor, the lesson types they book, the
address of the booking page, and a preview of the week of free times students are shown."""
