"""Demo data: a deterministic studio (instructors in several zones, students, weeks of lessons)
for the app's first run and ``instainstru-server --seed-demo``."""
