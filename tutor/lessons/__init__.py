"""What each live demo teaches, without a screen.

One module per demo (`lr_race` for `demo: lr-race ...`). A module reads the
slide's typed demo parameters into a frozen settings object, builds the data
and the model factories from it (`RunSpec`: everything a `Trainer` needs), and
measures the phenomenon the slide promises from the curves a run produced.

The widget hands the same `RunSpec` to its `Trainer` and shows the same
measurement on its status line; the truth tests train the same runs headless
(`simulate`) over several seeds. So a test that passes proves what the
screen shows. Nothing here imports Textual.
"""
