"""Workshops over SSH: `dltutor serve`, the room's results, `report` and `room`.

Nothing here imports Textual except `room_app`; the server runs one dltutor
process per SSH session, so a crash or a slow terminal stays with one person.
"""
