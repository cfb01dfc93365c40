"""Hostile input, generated: random bytes and text, NUL and other control characters, half
surrogate pairs, deep nesting, numbers no float or 64-bit column holds, wrong types and ids
past 64 bits, sent to every form (as a logged-in admin, with a valid CSRF token), every upload,
every query parameter of the pages and the API, and the JSON writes. No answer may be a 500.

The app runs with TESTING, so a failure inside a view raises here instead of being turned into
a 500 page: hypothesis then shrinks it to the smallest input that still fails. Examples are
derandomised and few per target, so a run is repeatable and quick on either database; the
requests of one test share its rolled-back transaction, which suits what is checked (no 500,
whatever an earlier example wrote), so the probes run inside the test, not as fixtures.
"""

from __future__ import annotations

import base64
import io
import json
import re
from urllib.parse import quote

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import NAMED_BY, addresses, csrf_token, log_in
from tests.test_api_writes import bearer, new_token

FEW = settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
HOSTILE = [
    "", " ", "\x00", "a\x00b", "\x01", "\x1b[31m", "\t", "\r\n", "\x7f", "\ufeff", "\uffff",
    "-1", "0", "1e999", "-1e999", "nan", "inf", "9223372036854775808", "-9223372036854775809",
    "9" * 30, "9" * 5000, "0x10", "1_000", "2024-02-30", "99999-01", "0000", "2024-13",
    "[" * 1000, "{}", "null", "true", "../../etc/passwd", "<script>alert(1)</script>",
    "' OR 1=1 --", '"', "\\", "%00", "%ud800", "x" * 20_000, "déjà vu 😀", "-", ",", "a,b,-c",
]  # fmt: skip
# What a form or a query string can carry: any text a browser can encode, bytes read as Latin-1
# (every control character), and the values above. Half a surrogate pair cannot be sent this
# way (it has no UTF-8), so it goes to the JSON bodies, uploads and cursors below.
form_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.binary(max_size=40).map(lambda raw: raw.decode("latin-1")),
)
any_text = st.one_of(form_text, st.text(max_size=20).map(lambda t: t + "\ud800"), st.just("\udfff"))
numbers = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.just(10**4000),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, any_text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(any_text, inner, max_size=4)
    ),
    max_leaves=12,
)
MORE_FIELDS = ("slug", "summary", "end", "ongoing", "notes", "status", "confirm_duplicate", "x")
SOURCE = st.fixed_dictionaries({}, optional={k: json_values for k in ("url", "title", "published")})
records = st.fixed_dictionaries(
    {"title": json_values, "start": json_values, "category": st.just("lawsuit")},
    optional={
        **{name: json_values for name in MORE_FIELDS},
        "sources": st.lists(SOURCE, max_size=2),
        "actors": st.lists(st.dictionaries(st.sampled_from(["name", "kind", "role"]), json_values)),
    },
)
DEEP = ["[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000]


def json_text(value) -> str:
    """JSON as Python writes it, NaN, Infinity and any integer included."""
    return json.dumps(value, allow_nan=True)


def hostile_documents() -> st.SearchStrategy[bytes]:
    """The content of an import file: records as JSON or YAML, deep nesting, or any bytes."""
    documents = st.one_of(st.lists(records, max_size=3), json_values)
    return st.one_of(
        documents.map(lambda d: json_text(d).encode()),
        documents.map(lambda d: yaml.safe_dump(d, allow_unicode=False).encode()),
        st.sampled_from(DEEP).map(str.encode),
        st.just(("- title: " + "9" * 10_000).encode()),
        st.binary(max_size=200),
    )


def cursors() -> st.SearchStrategy[str]:
    """A cursor as the API makes one (base64 of JSON), holding anything."""
    sort = st.sampled_from(["start,end", "title", "-updated", "created", "slug"])
    payload = st.tuples(sort, st.lists(json_values, max_size=2), numbers)
    raw = st.one_of(payload.map(lambda p: json_text(list(p)).encode()), st.binary(max_size=40))
    return raw.map(lambda data: base64.urlsafe_b64encode(data).decode().rstrip("="))


def parameter_names(client) -> list[str]:
    """Every query parameter the API describes, and the page-only ones."""
    document = client.get("/api/openapi.json").get_json()
    names = {
        parameter["name"]
        for path in document["paths"].values()
        for operation in path.values()
        for parameter in operation.get("parameters", ())
        if parameter["in"] == "query"
    }
    return sorted(names | {"lanes", "next"})


def fuzz_queries(client, urls: list[str], names: list[str], examples: int = 4) -> None:
    query = st.dictionaries(
        st.sampled_from(names), st.one_of(form_text, cursors()), min_size=1, max_size=4
    )

    @settings(FEW, max_examples=examples)
    @given(url=st.sampled_from(urls), args=query)
    def probe(url: str, args: dict[str, str]) -> None:
        path, _, asked = url.partition("?")
        response = client.get(path, query_string={**dict(_pairs(asked)), **args})
        assert response.status_code < 500, (url, args)

    probe()


def _pairs(query: str) -> list[tuple[str, str]]:
    return [tuple(pair.split("=", 1)) for pair in query.split("&") if "=" in pair]


def test_no_query_parameter_gets_a_500(seeded, app, session, admin, client):
    names = parameter_names(client)
    public = [url for url in addresses(app, session, "GET") if not url.startswith("/admin")]
    for url in public:  # each address on its own, so none is left untried
        fuzz_queries(client, [url], names)
    admin_pages = addresses(app, session, "GET", "/admin")
    fuzz_queries(admin, admin_pages, [*names, "q", "kind"], examples=30)


def field_names(client, url: str) -> list[str]:
    """The fields a form's page lays out (its own page, or the page it is posted from)."""
    for page in (url, url.rsplit("/", 1)[0]):
        response = client.get(page)
        if response.status_code == 200:
            found = re.findall(r'name="([\w-]+)"', response.get_data(as_text=True))
            return sorted(set(found) - {"csrf_token"})
    return []


def posted_forms(app, session) -> list[str]:
    """Every address a form is posted to under /admin, ids and slugs of real rows filled in
    (1 for a row the seed has none of), and the login."""

    def value(rule, match: re.Match) -> str:
        collection = rule.rule[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        model = NAMED_BY.get(collection)
        column = None if model is None else model.id if match.group(1) == "int" else model.slug
        found = None if column is None else session.scalars(select(column)).first()
        return str(found or 1)

    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin")]
    posted = [r for r in rules if "POST" in r.methods and not r.rule.endswith("/imports")]
    pattern = re.compile(r"<(?:(\w+):)?\w+>")
    return [*sorted(pattern.sub(lambda m, r=r: value(r, m), r.rule) for r in posted), "/login"]


def fuzz_form(app, url: str) -> None:
    admin = app.test_client()
    assert log_in(admin, "ada").status_code == 302  # an earlier form may have logged it out
    names = field_names(admin, url) or ["name", "q"]
    token = csrf_token(admin, "/admin/account")

    @FEW
    @given(data=st.dictionaries(st.sampled_from(names), form_text, max_size=len(names)))
    def probe(data: dict[str, str]) -> None:
        response = admin.post(url, data={**data, "csrf_token": token})
        assert response.status_code < 500, (url, data)

    probe()


def test_no_form_gets_a_500(seeded, app, session, accounts):
    for url in posted_forms(app, session):
        fuzz_form(app, url)


def test_no_path_id_gets_a_500(seeded, app, session, admin):
    ids = st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str), st.just("9" * 5000))
    slugs = st.one_of(form_text.map(lambda t: quote(t, safe="")), st.just("x"))
    rules = [rule for rule in app.url_map.iter_rules() if "<" in rule.rule]

    @settings(FEW, max_examples=40)
    @given(rule=st.sampled_from(rules), number=ids, slug=slugs)
    def probe(rule, number: str, slug: str) -> None:
        def value(match: re.Match) -> str:
            return number if match.group(1) == "int" else slug

        url = re.sub(r"<(?:(\w+):)?\w+>", value, rule.rule)
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        data = {"csrf_token": csrf_token(admin, "/admin/account")} if method == "POST" else None
        response = admin.open(url, method=method, data=data)
        assert response.status_code < 500, url

    probe()


def test_no_upload_gets_a_500(editor, runner, tmp_path):
    token = csrf_token(editor, "/admin/imports")
    names = st.sampled_from(["events.json", "events.yaml", "events.yml", "events.csv", "x.txt"])

    @settings(FEW, max_examples=30)
    @given(name=names, content=hostile_documents())
    def probe(name: str, content: bytes) -> None:
        form = {"csrf_token": token, "file": (io.BytesIO(content), name)}
        response = editor.post("/admin/imports", data=form, content_type="multipart/form-data")
        assert response.status_code < 500, (name, content[:200])

    probe()

    @FEW
    @given(content=hostile_documents())
    def imported(content: bytes) -> None:
        path = tmp_path / "events.json"
        path.write_bytes(content)
        result = runner.invoke(args=["import", str(path)])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output

    imported()


def test_no_json_write_gets_a_500(seeded, editor, client):
    headers = bearer(new_token(editor)) | {"Content-Type": "application/json"}
    bodies = st.one_of(
        records.map(lambda r: json_text(r).encode()),
        json_values.map(lambda v: json_text(v).encode()),
        st.sampled_from(DEEP).map(str.encode),
        st.binary(max_size=100),
    )
    slug = client.get("/api/events?limit=1").get_json()["events"][0]["slug"]

    @settings(FEW, max_examples=30)
    @given(method=st.sampled_from(["POST", "PATCH"]), body=bodies)
    def probe(method: str, body: bytes) -> None:
        url = "/api/events" if method == "POST" else f"/api/events/{slug}"
        response = client.open(url, method=method, data=body, headers=headers)
        assert response.status_code < 500, body[:200]

    probe()
