"""The Elasticsearch backend without a server: its index template, bulk actions, query DSL, and the alias
swap and response handling against an in-memory fake client (the contract suite runs on a real server)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from search_contract import CORPUS

from search.analysis import parse_query
from search.backends import es_dsl
from search.model import Filters, SearchRequest


def test_es_template_analyzers_fields_and_version():
    template = es_dsl.index_template("mc")
    assert template["index_patterns"] == ["mc-pages-v*"] and es_dsl.alias_name("mc") == "mc-pages"
    assert es_dsl.index_name("mc", "20250101").startswith("mc-pages-v") and template["_meta"]["schema_version"]
    settings, mappings = template["template"]["settings"], template["template"]["mappings"]
    analyzers = settings["analysis"]["analyzer"]
    assert analyzers["mc_exact"]["filter"] == ["lowercase"]
    assert analyzers["mc_folded"]["filter"] == ["lowercase", "asciifolding"]  # asciifolding maps đ → d
    assert settings["analysis"]["tokenizer"]["mc_words"]["type"] == "char_group"
    props = mappings["properties"]
    assert props["text"]["analyzer"] == "mc_exact" and props["text"]["fields"]["folded"]["analyzer"] == "mc_folded"
    for field in ("doc_id", "sha256", "unit", "doc_type", "indicators", "method"):
        assert props[field]["type"] == "keyword", field
    assert props["issued"]["type"] == "date" and props["in_period"]["type"] == "boolean"
    assert mappings["dynamic"] == "strict" and mappings["_meta"]["schema_version"] == es_dsl.SCHEMA_VERSION
    json.dumps(template)  # plain JSON


def test_es_bulk_actions_one_document_per_page_with_the_facts():
    actions = list(es_dsl.bulk_actions(CORPUS[:3], "mc-pages-v1-x"))
    assert [a["_id"] for a in actions] == ["kh-snv:1", "kh-snv:2", "kh-snv:3"]
    source = actions[2]["_source"]
    assert source["page"] == 3 and source["issued"] == "2024-01-15" and source["indicators"] == ["A.1.1", "B.1.9"]
    assert source["unit"] == "Sở Nội vụ" and source["in_period"] is True and source["confidence"] is None
    assert all(a["_op_type"] == "index" and a["_index"] == "mc-pages-v1-x" for a in actions)


def test_es_query_matches_folded_and_puts_exact_diacritics_first():
    body = es_dsl.search_body(parse_query('"tham nhũng" OR bàn -"ngoài nhà nước" nhũ*'), SearchRequest("x"))
    scored = body["query"]["bool"]
    clause, prefix = scored["must"][0]["bool"]["must"]
    assert clause["bool"]["should"] == [{"match_phrase": {"text.folded": {"query": "tham nhung"}}},
                                        {"match": {"text.folded": {"query": "ban"}}}]
    assert prefix == {"prefix": {"text.folded": {"value": "nhu"}}}
    assert scored["must"][0]["bool"]["must_not"] == [{"match_phrase": {"text": {"query": "ngoài nhà nước"}}}]
    exact = scored["should"][-1]["constant_score"]
    assert exact["boost"] == es_dsl.EXACT_TIER
    assert exact["filter"]["bool"]["must"][1] == {"prefix": {"text": {"value": "nhũ"}}}
    assert body["track_total_hits"] is True and set(body["aggs"]) == {"doc_type", "unit", "indicator"}
    assert body["sort"][0] == {"_score": "desc"}


def test_es_query_without_diacritics_has_no_exact_tier_and_excludes_folded():
    body = es_dsl.search_body(parse_query("dak lak -krong"), SearchRequest("x", sort="date", limit=5, offset=10))
    scored = body["query"]["bool"]
    assert "should" not in scored
    assert scored["must"][0]["bool"]["must_not"] == [{"match": {"text.folded": {"query": "krong"}}}]
    assert body["sort"][0] == {"issued": {"order": "desc", "missing": "_last"}}
    assert (body["from"], body["size"]) == (10, 5)
    assert "aggs" not in es_dsl.search_body(parse_query("x"), SearchRequest("x", facets=False))


def test_es_filters():
    filters = Filters(units=("Sở Nội vụ",), doc_types=("KH", "BC"), indicators="B.1.9", issued_from=date(2024, 1, 1),
                      issued_to=date(2024, 12, 31), in_period=False, method="ocr", min_confidence=80)
    clauses = es_dsl.filter_clauses(filters)
    assert {"terms": {"unit": ["Sở Nội vụ"]}} in clauses and {"terms": {"doc_type": ["KH", "BC"]}} in clauses
    assert {"terms": {"indicators": ["B.1.9"]}} in clauses
    assert {"range": {"issued": {"gte": "2024-01-01", "lte": "2024-12-31"}}} in clauses
    assert {"term": {"in_period": False}} in clauses and {"term": {"method": "ocr"}} in clauses
    confidence = clauses[-1]["bool"]["should"]
    assert confidence[0] == {"range": {"confidence": {"gte": 80.0}}}  # or no confidence (a text layer)
    assert confidence[1] == {"bool": {"must_not": [{"exists": {"field": "confidence"}}]}}
    assert es_dsl.filter_clauses(Filters()) == []


class _FakeIndices:
    """Just enough of ``client.indices`` to follow the alias/template life cycle in memory."""

    def __init__(self) -> None:
        self.templates: dict = {}
        self.mappings: dict[str, dict] = {}
        self.aliases: dict[str, set[str]] = {}
        self.alias_calls: list[list] = []

    def exists_alias(self, name):
        return bool(self.aliases.get(name))

    def get_alias(self, name):
        return {index: {"aliases": {name: {}}} for index in self.aliases[name]}

    def get_mapping(self, index):
        name = next(iter(self.aliases[index])) if index in self.aliases else index
        return {name: {"mappings": self.mappings[name]}}

    def put_index_template(self, name, index_patterns, priority, template, meta):
        self.templates[name] = template

    def create(self, index):
        self.mappings[index] = json.loads(json.dumps(next(iter(self.templates.values()))["mappings"]))

    def update_aliases(self, actions):
        self.alias_calls.append(actions)
        for action in actions:
            (verb, spec), = action.items()
            members = self.aliases.setdefault(spec["alias"], set())
            (members.add if verb == "add" else members.discard)(spec["index"])

    def put_mapping(self, index, meta):
        self.get_mapping(index)[next(iter(self.get_mapping(index)))]["mappings"]["_meta"] = meta

    def delete(self, index, ignore_unavailable=False):
        self.mappings.pop(index, None)

    def put_settings(self, index, settings):
        pass

    def refresh(self, index):
        pass


class _FakeES:
    def __init__(self) -> None:
        self.indices = _FakeIndices()
        self.bodies: list[dict] = []

    def search(self, index, body):
        self.bodies.append(body)
        page = CORPUS[3]  # bc-kp page 1
        source = es_dsl.page_source(page)
        return {"hits": {"total": {"value": 1}, "hits": [{"_score": 1001.5, "_source": source}]},
                "aggregations": {"doc_type": {"buckets": [{"key": "BC", "doc_count": 1}]},
                                 "unit": {"buckets": [{"key": page.unit, "doc_count": 1}]},
                                 "indicator": {"buckets": [{"key": "B.1.1", "doc_count": 1}]}}}


@pytest.fixture
def fake_es(monkeypatch):
    from search.backends import elasticsearch as es_backend

    sent: list[dict] = []

    def fake_stream(client, actions, *, chunk_size, max_retries):
        for action in actions:
            sent.append(action)
            ok = "FAIL" not in action["_source"]["text"]
            yield ok, {"index": {"_id": action["_id"], "status": 201 if ok else 400}}

    monkeypatch.setattr(es_backend, "stream_bulk", fake_stream)
    backend = es_backend.ElasticsearchBackend("http://unused", index_prefix="t", client=_FakeES())
    return backend, sent


def test_es_rebuild_fills_a_new_index_then_swaps_the_alias_in_one_call(fake_es):
    backend, sent = fake_es
    indices = backend.es.indices
    assert backend.needs_rebuild()
    assert backend.rebuild(CORPUS) == len(CORPUS)
    (first,) = indices.aliases["t-pages"]
    assert {a["_index"] for a in sent} == {first} and not backend.needs_rebuild()
    backend.es.indices.put_mapping(index="t-pages", meta={"schema_version": 0})
    assert backend.needs_rebuild()
    backend.rebuild(CORPUS[:2])
    (second,) = indices.aliases["t-pages"]
    assert second != first and first not in indices.mappings  # the old index is gone
    assert indices.alias_calls[-1] == [{"remove": {"index": first, "alias": "t-pages"}},
                                       {"add": {"index": second, "alias": "t-pages", "is_write_index": True}}]


def test_es_failed_pages_raise_and_leave_the_live_index_alone(fake_es):
    from search.backends.elasticsearch import IndexingError

    backend, _ = fake_es
    backend.rebuild(CORPUS)
    (live,) = backend.es.indices.aliases["t-pages"]
    with pytest.raises(IndexingError, match="1 pages"):
        backend.rebuild([*CORPUS, replace(CORPUS[0], page=9, text="FAIL")])
    assert backend.es.indices.aliases["t-pages"] == {live} and set(backend.es.indices.mappings) == {live}


def test_es_search_turns_the_response_into_hits_and_facets(fake_es):
    backend, _ = fake_es
    backend.rebuild(CORPUS)
    result = backend.search(SearchRequest("dak lak", markers=("<b>", "</b>")))
    (hit,) = result.hits
    assert (hit.doc_id, hit.page, hit.issued, hit.unit) == ("bc-kp", 1, date(2024, 6, 10), "UBND huyện Krông Pắc")
    assert "<b>Đắk Lắk</b>" in hit.snippet and hit.score == 1001.5
    assert result.total == 1 and result.facets["indicator"] == {"B.1.1": 1}
    assert backend.es.bodies[-1]["query"]["bool"]["must"][0]["bool"]["must"][0] == {
        "match": {"text.folded": {"query": "dak"}}}


def test_es_ranking_clauses_symbol_heading_then_exact_diacritics():
    from search.ranking import SYMBOL_TIER, TITLE_TIER

    should = es_dsl.search_body(parse_query("số 245/KH-UBND"), SearchRequest("x"))["query"]["bool"]["should"]
    symbol, heading, exact = (c["constant_score"] for c in should)
    assert symbol == {"filter": {"term": {"symbol_key": "245khubnd"}}, "boost": SYMBOL_TIER}
    assert heading["boost"] == TITLE_TIER and exact["boost"] == es_dsl.EXACT_TIER
    assert heading["filter"]["bool"]["must"][1] == {"match_phrase": {"heading": {"query": "245 kh ubnd"}}}
    folded = es_dsl.search_body(parse_query("ke hoach ke khai"), SearchRequest("x"))["query"]["bool"]["should"]
    assert len(folded) == 1 and folded[0]["constant_score"]["boost"] == TITLE_TIER  # no symbol, no exact tier
    assert folded[0]["constant_score"]["filter"]["bool"]["must"][0] == {"match": {"heading.folded": {"query": "ke"}}}
    dated = es_dsl.search_body(parse_query("245/KH-UBND"), SearchRequest("x", sort="date"))["query"]["bool"]
    assert "should" not in dated


def test_es_pages_carry_the_heading_and_symbol_key_the_strict_mapping_knows():
    page = replace(CORPUS[0], doc_type_name="Kế hoạch", signer="Nguyễn Văn An")
    source = es_dsl.page_source(page)
    assert source["heading"] == "Kế hoạch\n15/KH-SNV\nKế hoạch phòng, chống tham nhũng năm 2024\nNguyễn Văn An"
    assert source["symbol_key"] == "15khsnv"
    properties = es_dsl.index_template("mc")["template"]["mappings"]["properties"]
    assert set(source) <= set(properties)  # dynamic: strict refuses any other field
    assert properties["heading"]["fields"]["folded"]["analyzer"] == "mc_folded"
