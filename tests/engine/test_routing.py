"""Routing: templates compiled to a segment tree, literal before templated, trailing slashes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from specmock.engine.routing import Redirect, RouteMatch, Router

FREEZERWORKS = [
    "/api/v1/aliquots",
    "/api/v1/aliquots/{aliquotId}",
    "/api/v1/aliquots/verifyAction",
    "/api/v1/samples/{sampleId}/aliquots",
]


def test_a_templated_segment_captures_the_parameter() -> None:
    # Given a router over a templated path
    router = Router(FREEZERWORKS)
    # When a concrete path is matched
    match = router.match("/api/v1/aliquots/102992")
    # Then the template and the parameter come back
    assert match == RouteMatch("/api/v1/aliquots/{aliquotId}", {"aliquotId": "102992"})


def test_a_literal_segment_wins_over_a_template() -> None:
    router = Router(FREEZERWORKS)
    assert router.match("/api/v1/aliquots/verifyAction") == RouteMatch(
        "/api/v1/aliquots/verifyAction", {}
    )


def test_literal_precedence_does_not_depend_on_declaration_order() -> None:
    router = Router(list(reversed(FREEZERWORKS)))
    assert router.match("/api/v1/aliquots/verifyAction") == RouteMatch(
        "/api/v1/aliquots/verifyAction", {}
    )


def test_matching_backtracks_when_the_literal_branch_dead_ends() -> None:
    # Given /a/b/c literal and /a/{x}/d templated
    router = Router(["/a/b/c", "/a/{x}/d"])
    # When /a/b/d is asked, the literal branch b fails at its last segment
    # Then the templated branch is tried
    assert router.match("/a/b/d") == RouteMatch("/a/{x}/d", {"x": "b"})


def test_parameters_are_percent_decoded() -> None:
    router = Router(["/samples/{sample_id}/"])
    assert router.match("/samples/a%20b%2Fc/") == RouteMatch(
        "/samples/{sample_id}/", {"sample_id": "a b/c"}
    )


def test_partial_segment_templates_match() -> None:
    router = Router(["/files/{name}.json"])
    assert router.match("/files/report.json") == RouteMatch(
        "/files/{name}.json", {"name": "report"}
    )


def test_an_unknown_path_does_not_match() -> None:
    assert Router(FREEZERWORKS).match("/api/v2/aliquots") is None


def test_an_empty_segment_does_not_fill_a_parameter() -> None:
    assert Router(["/institutes/{id}/"]).match("/institutes//") is None


def test_strict_trailing_slash_does_not_match_the_other_spelling() -> None:
    assert Router(["/institutes/{id}/"], "strict").match("/institutes/1") is None


def test_redirect_trailing_slash_points_at_the_contract_spelling() -> None:
    router = Router(["/institutes/{id}/"], "redirect")
    assert router.match("/institutes/1") == Redirect("/institutes/1/", "/institutes/{id}/")


def test_lenient_trailing_slash_serves_the_other_spelling() -> None:
    router = Router(["/api/v1/aliquots"], "lenient")
    assert router.match("/api/v1/aliquots/") == RouteMatch("/api/v1/aliquots", {})


segment = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=12)


@given(collection=segment, record_id=segment)
def test_any_id_routes_to_the_detail_template_unless_it_is_a_literal(
    collection: str, record_id: str
) -> None:
    # Given a list path, a detail path and a literal action path under one collection
    router = Router([f"/{collection}", f"/{collection}/{{id}}", f"/{collection}/verifyAction"])
    # When any id is routed
    match = router.match(f"/{collection}/{record_id}")
    # Then it reaches the literal only when spelled like it, the detail template otherwise
    assert isinstance(match, RouteMatch)
    if record_id == "verifyAction":
        assert match.template == f"/{collection}/verifyAction"
    else:
        assert match == RouteMatch(f"/{collection}/{{id}}", {"id": record_id})


def test_sibling_templates_keep_their_own_parameter_names() -> None:
    # Given an item path and a deeper path whose parameter at the same place has another name
    router = Router(["/apps/{id}", "/apps/{app_id}/instances"])
    # When both are requested
    found = [router.match(path) for path in ("/apps/a1", "/apps/a1/instances")]
    # Then each match names the parameter as its own template does
    assert found == [RouteMatch("/apps/{id}", {"id": "a1"}),
                     RouteMatch("/apps/{app_id}/instances", {"app_id": "a1"})]
