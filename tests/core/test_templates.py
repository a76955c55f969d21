"""Contract body templates."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from specmock.core.templates import render_template


def test_a_whole_placeholder_keeps_the_value_type() -> None:
    assert render_template({"status": "{status}"}, {"status": 401}) == {"status": 401}


def test_placeholders_inside_text_are_formatted() -> None:
    assert (
        render_template('Method "{method}" not allowed.', {"method": "POST"})
        == 'Method "POST" not allowed.'
    )


def test_object_keys_are_formatted() -> None:
    # DRF's field errors: {"sample_id": ["..."]}
    assert render_template(
        {"{field}": ["{detail}"]}, {"field": "sample_id", "detail": "required"}
    ) == {"sample_id": ["required"]}


def test_an_unknown_placeholder_renders_empty() -> None:
    assert render_template("x{nothing}y", {}) == "xy"


def test_non_string_leaves_are_kept() -> None:
    assert render_template({"a": [1, True, None]}, {}) == {"a": [1, True, None]}


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(alphabet="abc xyz"),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.text(alphabet="abc"), inner, max_size=3)
        ),
    )
)
def test_a_template_without_braces_renders_to_itself(template: object) -> None:
    assert render_template(template, {"x": 1}) == template
