"""Typed demo parameters: every slide's demo line is valid, bad ones are caught."""

from __future__ import annotations

import pytest
from conftest import REAL_CONTENT

from tutor.content import load_library
from tutor.content.demos import DEMOS, Param, parse_demo, split_demo


def test_every_demo_of_the_real_decks_parses_to_typed_values() -> None:
    for deck in load_library(REAL_CONTENT).decks:
        for slide in deck.slides:
            if slide.demo is None:
                continue
            spec = DEMOS[slide.demo.name]
            assert set(slide.demo.params) == {p.name for p in spec.params}
            for param in spec.params:
                value = slide.demo.params[param.name]
                kind = {"int": int, "float": float, "bool": bool, "choice": str, "word": str,
                        "ints": tuple, "floats": tuple}[param.kind]
                assert isinstance(value, kind), (slide.id, param.name, value)


def test_every_default_passes_its_own_check() -> None:
    for spec in DEMOS.values():
        for param in spec.params:
            written = (",".join(str(v) for v in param.default)
                       if isinstance(param.default, tuple) else str(param.default).lower())
            assert param.parse(written) == param.default, (spec.name, param.name)
            assert param.help and param.describe().startswith(param.name)


def test_lists_of_ints_are_ints_and_lists_of_floats_are_floats() -> None:
    assert parse_demo("simple-vs-deep hidden=16,16").params["hidden"] == (16, 16)
    assert all(type(v) is int for v in parse_demo("simple-vs-deep hidden=4,8").params["hidden"])
    scores = parse_demo("softmax scores=2,1").params["scores"]
    assert scores == (2.0, 1.0) and all(type(v) is float for v in scores)


@pytest.mark.parametrize(("line", "message"), [
    ("softmax temprature=2", "unknown parameter 'temprature' for demo 'softmax' "
                             "(did you mean 'temperature'?"),
    ("softmax temperature=0", "temperature=0: 0 is out of range 0.01 to 100"),
    ("softmax temperature=hot", "temperature=hot: expected a number"),
    ("softmax scores=1", "scores=1: expected 2 to 8 comma-separated values, got 1"),
    ("softmax scores=1,nan", "scores=1,nan: expected a finite number"),
    ("simple-vs-deep hidden=16.5", "hidden=16.5: expected a whole number"),
    ("simple-vs-deep hidden=0", "hidden=0: 0 is out of range 1 to 256"),
    ("activation-explorer fn=swish", "fn=swish: expected one of relu, sigmoid"),
    ("decision-guide depth=2", "demo 'decision-guide' takes no parameters (got 'depth')"),
    ("softmx", "unknown demo 'softmx' (did you mean 'softmax'?"),
    ("softmax scores=1,2 scores=3,4", "demo parameter 'scores' given twice"),
    ("softmax scores", "demo parameter 'scores' must look like key=value"),
])
def test_bad_demo_lines_say_what_is_wrong(line: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_demo(line)
    assert message in str(caught.value)


def test_every_problem_of_a_line_is_reported_at_once() -> None:
    with pytest.raises(ValueError) as caught:
        parse_demo("softmax temprature=2 scores=1")
    assert "temprature" in str(caught.value) and "scores=1" in str(caught.value)


def test_split_keeps_raw_text_for_the_spec_to_type() -> None:
    assert split_demo("lr-race rates=0.01,0.3") == ("lr-race", {"rates": "0.01,0.3"})


def test_a_bool_parameter_reads_the_usual_spellings() -> None:
    flag = Param("live", "bool", False, "run at once")
    assert [flag.parse(v) for v in ("true", "On", "no", "FALSE")] == [True, True, False, False]
    with pytest.raises(ValueError, match="expected true or false"):
        flag.parse("maybe")


def test_typed_reads_return_the_spec_types_and_refuse_others() -> None:
    demo = parse_demo("simple-vs-deep hidden=4,8")
    assert demo.integers("hidden") == (4, 8) and demo.text("data") == "circles"
    softmax = parse_demo("softmax")
    assert softmax.numbers("scores") == (2.0, 1.0, 0.1) and softmax.number("temperature") == 1.0
    with pytest.raises(TypeError, match="temperature is not text"):
        softmax.text("temperature")
    with pytest.raises(TypeError, match="data is not a number"):
        demo.number("data")


def test_check_demos_lists_every_demo_and_parameter(capsys: pytest.CaptureFixture[str]) -> None:
    from tutor.cli import main

    assert main(["check", "--demos"]) == 0
    out = capsys.readouterr().out
    for spec in DEMOS.values():
        assert f"{spec.name}: {spec.title}" in out
        for param in spec.params:
            assert param.describe() in out
    assert "temperature: float in [0.01, 100], default 1 - " in out
