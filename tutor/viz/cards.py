"""Rich renderables for the text screens: slides and quiz cards.

Pure functions of content and state, testable by rendering to a Console.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tutor.content.demos import demo_title
from tutor.content.inert import inert
from tutor.content.model import Deck, Slide
from tutor.quiz import CHOICE_KEYS, Answer, RoundQuestion, Score
from tutor.viz.ascii import ascii_markdown, maths_to_ascii, plain, to_ascii


def shown(ascii: bool) -> Callable[[str], str]:
    """How content text is put on screen: inert, and in ASCII when asked."""
    return (lambda text: inert(maths_to_ascii(text))) if ascii else inert


def _hanging(label: str, text: Text) -> Table:
    """`label` then `text`; wrapped lines of `text` stay indented under it."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text(label, style="bold"), text)
    return grid


def _demo_note(slide: Slide) -> Text | None:
    """Where a slide's live demo will go, said plainly until it exists."""
    if slide.demo is None:
        return None
    title = demo_title(slide.demo.name)
    return Text(f"▶ Live demo \u201c{title}\u201d: not in this version of dltutor yet.",
                style="dim italic")


def slide_body(slide: Slide, ascii: bool = False, demo_note: bool = True) -> RenderableType:
    """A slide's Markdown (code blocks in a theme that survives no-colour),
    followed by a note on its live demo if it names one and `demo_note` is
    set (the app shows the demo itself, or a placeholder saying what it will be)."""
    from rich.markdown import Markdown  # here: the library, which imports this module, needs none

    make = ascii_markdown if ascii else Markdown
    parts: list[RenderableType] = [make(inert(slide.body), code_theme="ansi_dark",
                                        hyperlinks=False)]
    note = _demo_note(slide) if demo_note else None
    if note is not None:
        parts += [Text(), note]
    return plain(Group(*parts), ascii)


def format_minutes(minutes: float, short: bool = False) -> str:
    """'~m min left'; `short` drops 'left' (the header says it when it fits)."""
    left = "" if short else " left"
    if minutes >= 1:
        return f"~{round(minutes)} min{left}"
    return f"<1 min{left}" if minutes > 0 else "done"


def slide_position(deck: Deck, index: int) -> str:
    """'slide n of N · ~m min left', the part of the header never cut short."""
    return f"slide {index + 1} of {len(deck.slides)}  ·  {format_minutes(deck.minutes_left(index))}"


HEADER_GAP = 2
"""Columns between the header's two halves (the right one's left padding)."""


def slide_header(deck: Deck, index: int, where: str, width: int) -> tuple[str, str]:
    """A slide's title bar in `width` columns: ('section · where', 'slide n of N · time').

    When it does not fit, the least useful part goes first: `where` (the deck
    the learner chose), then the position and time are abbreviated to 'n/N ·
    ~m min'. Only a section title longer than what remains is cut (by the bar).
    """
    section = deck.section(deck.slides[index].section).title
    minutes = deck.minutes_left(index)
    short = f"{index + 1}/{len(deck.slides)} · {format_minutes(minutes, short=True)}"
    choices = [(f"{section}  ·  {where}", slide_position(deck, index)),
               (section, slide_position(deck, index)),
               (section, short)]
    for left, right in choices:
        if cell_len(left) + HEADER_GAP + cell_len(right) <= width:
            return left, right
    return choices[-1]


def choice_label(position: int) -> str:
    return f"{position + 1}/{CHOICE_KEYS[position]}"


def question_card(item: RoundQuestion, number: int, total: int, highlighted: int,
                  given: Answer | None, slide_title: str, ascii: bool = False) -> RenderableType:
    """The question, its choices and, once answered, the verdict and why."""
    t = shown(ascii)
    parts: list[RenderableType] = [
        Text((to_ascii if ascii else str)(f"Question {number} of {total}  ·  "
                                          f"{item.question.topic}"), style="dim"),
        Text(t(item.question.prompt) + "\n", style="bold"),
    ]
    for position, choice in enumerate(item.choices):
        marker, style = " ", ""
        if given is None and position == highlighted:
            marker, style = ">", "reverse"
        elif given is not None and position == item.correct:
            marker, style = "✓", "bold green"
        elif given is not None and position == given.shown_choice:
            marker, style = "✗", "bold red"
        parts.append(_hanging(f"{marker} {choice_label(position)}", Text(t(choice), style=style)))
    if given is not None:
        parts.append(Text())
        if given.correct:
            parts.append(Text("✓ Right.", style="bold green"))
        else:
            right = t(item.choices[item.correct])
            parts.append(Text(f"✗ Not quite. The answer is {choice_label(item.correct)}: {right}",
                              style="bold red"))
        parts.append(Text(t(item.question.explain)))
        parts.append(Text(t(f"\nTaught on the slide \u201c{slide_title}\u201d "
                            "(press s to open it)."), style="dim"))
    return plain(Group(*parts), ascii)


def score_card(result: Score, missed: Sequence[tuple[RoundQuestion, str]],
               ascii: bool = False) -> RenderableType:
    """End of a round: the score and each missed question with its slide."""
    t = shown(ascii)
    parts: list[RenderableType] = [
        Text(f"You scored {result.right} of {result.total}  ({result.percent}%)\n", style="bold"),
    ]
    if not missed:
        parts.append(Text("Every answer right. Press r for a new round with other questions."))
    else:
        parts.append(Text("To review (press the number to open the slide that teaches it):"))
        for k, (item, slide_title) in enumerate(missed, start=1):
            parts.append(Text())
            parts.append(_hanging(f"{k}.", Text(t(item.question.prompt), style="bold")))
            parts.append(_hanging("  ", Text(t(f"Answer: {item.choices[item.correct]}"))))
            parts.append(_hanging("  ", Text(t(f"Slide: {slide_title}"), style="dim")))
    return plain(Group(*parts), ascii)
