"""Editors change the cost model's reference data through forms; the cost page and the API
read it on the next request. Only an admin deletes a row."""

import re

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from timeline.domain import ApiPrice, Gpu, GpuPrice, Scenario

NEW_API_PRICE = "/admin/costs/api-prices/new"
NEW_GPU_PRICE = "/admin/costs/gpu-prices/new"
NEW_SCENARIO = "/admin/costs/scenarios/new"


def errors(html: str) -> dict[str, str]:
    """The message shown at each field, by field id."""
    found = re.findall(r'<p id="([\w-]+)-error" class="error" role="alert">([^<]+)</p>', html)
    return {name: message.replace("&#39;", "'") for name, message in found}


def api_price(client, **fields) -> dict:
    data = {
        "csrf_token": csrf_token(client, NEW_API_PRICE),
        "provider": "Pika", "product": "pika-2.2", "resolution": "1080p", "width": "1920",
        "height": "1080", "usd_per_second": "0.09", "observed": "2025-03",
        "source": "https://pika.art/pricing", "note": "",
    }  # fmt: skip
    return data | fields


def gpu_price(client, **fields) -> dict:
    data = {
        "csrf_token": csrf_token(client, NEW_GPU_PRICE),
        "gpu": "h100-sxm", "observed": "2024-09", "usd_low": "2.5", "usd_typical": "3",
        "usd_high": "4", "note": "", "source": "https://example.org/gpu-index",
    }  # fmt: skip
    return data | fields


def scenario(client, **fields) -> dict:
    data = {
        "csrf_token": csrf_token(client, NEW_SCENARIO),
        "slug": "studio-memo", "claim": "A minute of video costs about $20 to render",
        "observed": "2025-06", "bound": "about", "usd_per_video_minute": "20",
        "model": "wan2.1-14b", "width": "1280", "height": "720", "fps": "16", "clip_seconds": "5",
    }  # fmt: skip
    return data | fields


def row_id(session, model, **key) -> int:
    return session.scalars(select(model.id).filter_by(**key)).one()


def gpu_price_id(session, gpu: str, observed: str) -> int:
    statement = select(GpuPrice.id).join(GpuPrice.gpu).where(Gpu.slug == gpu)
    return session.scalars(statement.where(GpuPrice.observed == observed)).one()


def test_the_list_shows_the_three_tables_with_edit_links(seeded, editor, session):
    html = editor.get("/admin/costs").get_data(as_text=True)
    assert "GPU rental prices" in html and "Observed API prices" in html and "Scenarios" in html
    assert "sora-2-pro" in html and "seed-8xa800" in html and "arXiv 2503.09642" in html
    price = gpu_price_id(session, "h100-sxm", "2024-06")
    assert f'href="/admin/costs/gpu-prices/{price}/edit"' in html
    assert 'href="/admin/costs/gpu-prices/new"' in html
    assert "Cost data" in editor.get("/admin/").get_data(as_text=True)  # the menu links here


def test_a_new_api_price_shows_in_the_api_and_on_the_cost_page(seeded, editor, client):
    response = editor.post(NEW_API_PRICE, data=api_price(editor))
    assert response.status_code == 302 and response.location.endswith("/admin/costs")
    prices = client.get("/api/prices").json["api_prices"]
    added = next(p for p in prices if p["product"] == "pika-2.2")
    assert added["usd_per_second"] == 0.09 and added["observed"] == "2025-03"
    assert added["usd_per_video_minute"] == pytest.approx(5.4)
    assert "Saved the API price Pika pika-2.2 at 1080p, 2025-03." in editor.get(
        "/admin/costs"
    ).get_data(as_text=True)
    assert client.get("/cost").status_code == 200


def test_a_new_gpu_price_moves_the_projection(seeded, editor, client):
    known = client.get("/api/projections").json["backtest"]["price_records_known"]
    assert editor.post(NEW_GPU_PRICE, data=gpu_price(editor)).status_code == 302
    after = client.get("/api/projections").json["backtest"]["price_records_known"]
    assert after == known + 1


def test_an_edited_scenario_shows_in_the_api(seeded, editor, session, client):
    page = f"/admin/costs/scenarios/{row_id(session, Scenario, slug='seed-8xh800')}/edit"
    form = editor.get(page).get_data(as_text=True)
    assert 'value="0.5"' in form and 'selected value="h800-sxm"' in form
    data = scenario(
        editor, slug="seed-8xh800", claim="1 video-minute takes about an hour on 8 H800",
        observed="2024-03", usd_per_video_minute="", wall_hours="1", gpus="8", gpu="h800-sxm",
    )  # fmt: skip
    assert editor.post(page, data=data).status_code == 302
    body = client.get("/api/scenarios/seed-8xh800").json["scenario"]
    assert body["inputs"]["wall_hours"] == 1 and body["claim"].endswith("an hour on 8 H800")
    assert body["gpu_hours_per_video_minute"] == 8
    assert client.get("/cost").status_code == 200


def test_a_new_scenario_is_listed_after_the_seed_ones(seeded, editor, client):
    assert editor.post(NEW_SCENARIO, data=scenario(editor)).status_code == 302
    slugs = [s["id"] for s in client.get("/api/scenarios").json["scenarios"]]
    assert slugs[-1] == "studio-memo"
    assert "A minute of video costs about $20 to render" in client.get("/cost").get_data(
        as_text=True
    )


def test_each_bad_value_is_explained_at_its_field(seeded, editor, session):
    data = api_price(
        editor, provider=" ", observed="2024-02-30", usd_per_second="-1", width="wide",
        height="720.5", source="javascript:alert(1)",
    )  # fmt: skip
    response = editor.post(NEW_API_PRICE, data=data)
    found = errors(response.get_data(as_text=True))
    assert response.status_code == 400
    assert found["provider"] == "Provider is required."
    assert "February 2024 has no day 30" in found["observed"]
    assert found["usd_per_second"] == "Price must be above zero, got -1.0."
    assert found["width"] == "Width must be a whole number."
    assert found["height"] == "Height must be a whole number."
    assert "must start with http:// or https://" in found["source"]
    assert session.scalars(select(ApiPrice).filter_by(product="pika-2.2")).first() is None


def test_a_gpu_price_needs_a_known_gpu_and_prices_in_order(seeded, editor):
    data = gpu_price(editor, gpu="tpu-v9", observed="2024-13", usd_low="5", usd_typical="3")
    found = errors(editor.post(NEW_GPU_PRICE, data=data).get_data(as_text=True))
    assert found["gpu"] == "No gpu 'tpu-v9' is known."
    assert "month 13 does not exist" in found["observed"].lower()
    data = gpu_price(editor, usd_low="5", usd_typical="3", usd_high="2")
    found = errors(editor.post(NEW_GPU_PRICE, data=data).get_data(as_text=True))
    assert found["usd_typical"] == "Typical price must be at least the low price, 5."
    assert found["usd_high"] == "High price must be at least the typical price, 3."
    data = gpu_price(editor, usd_low="", usd_typical="", usd_high="", gpu="")
    found = errors(editor.post(NEW_GPU_PRICE, data=data).get_data(as_text=True))
    assert found == {
        "gpu": "GPU is required.",
        "usd_typical": "Give at least one price: low, typical or high.",
    }


def test_a_duplicate_is_named_at_its_field(seeded, editor):
    data = gpu_price(editor, observed="2024-06")
    found = errors(editor.post(NEW_GPU_PRICE, data=data).get_data(as_text=True))
    assert found["observed"] == "NVIDIA H100 SXM already has a price observed 2024-06."
    data = api_price(editor, provider="OpenAI", product="sora-2", resolution="720p",
                     observed="2025-10-06")  # fmt: skip
    found = errors(editor.post(NEW_API_PRICE, data=data).get_data(as_text=True))
    assert found["observed"] == "OpenAI sora-2 at 720p already has a price observed 2025-10-06."
    found = errors(
        editor.post(NEW_SCENARIO, data=scenario(editor, slug="seed-8xa800")).get_data(as_text=True)
    )
    assert found["slug"] == "There is already a scenario 'seed-8xa800'."


def test_a_scenario_states_a_whole_figure_the_model_can_price(seeded, editor):
    nothing = scenario(editor, usd_per_video_minute="", slug="Not A Slug", model="")
    found = errors(editor.post(NEW_SCENARIO, data=nothing).get_data(as_text=True))
    assert found["usd_per_video_minute"].startswith("Give a figure:")
    assert "is not a slug" in found["slug"] and found["model"] == "Video model is required."
    half = scenario(editor, usd_per_video_minute="", wall_hours="2", llm_usd_per_1k="0.03")
    found = errors(editor.post(NEW_SCENARIO, data=half).get_data(as_text=True))
    assert found["gpus"] == "Number of GPUs is required with wall hours."
    assert found["price_ratio"] == "Price ratio is required with llm usd per 1k."
    unpriced = scenario(editor, gpu="h20", gpus="8", wall_hours="2", usd_per_video_minute="")
    found = errors(editor.post(NEW_SCENARIO, data=unpriced).get_data(as_text=True))
    assert found["gpu"] == "NVIDIA H20 has no rental price to convert at: add one first."


def test_the_form_refuses_what_the_importer_refuses(seeded, editor, runner, write_file):
    path = write_file("bad.yaml", (
        "api_prices:\n  - {provider: Pika, product: pika-2.2, resolution: 1080p, width: 1920,"
        " height: 1080, usd_per_second: -0.5, observed: '2024-13'}\n"
    ))  # fmt: skip
    imported = runner.invoke(args=["import-costs", str(path)])
    form = errors(
        editor.post(
            NEW_API_PRICE, data=api_price(editor, usd_per_second="-0.5", observed="2024-13")
        ).get_data(as_text=True)
    )
    assert imported.exit_code != 0
    assert "must be above zero, got -0.5" in imported.output
    assert "must be above zero, got -0.5" in form["usd_per_second"]
    month = re.search(r"month 13 does not exist[^\n]*", imported.output).group(0)
    assert form["observed"] == month[0].upper() + month[1:] + "."


def test_html_typed_into_a_note_or_source_is_escaped(seeded, editor):
    data = api_price(
        editor, note="<script>alert('note')</script>", source="<b>Trade press</b>, 3 May"
    )
    assert editor.post(NEW_API_PRICE, data=data).status_code == 302
    html = editor.get("/admin/costs").get_data(as_text=True)
    assert "<script>alert" not in html and "<b>Trade press" not in html
    assert "&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Trade press&lt;/b&gt;, 3 May" in html


def test_only_an_admin_deletes_a_row(seeded, editor, admin, session, client):
    price = row_id(session, ApiPrice, product="gen-4-turbo")
    url = f"/admin/costs/api-prices/{price}/delete"
    token = csrf_token(editor, f"/admin/costs/api-prices/{price}/edit")
    assert editor.post(url, data={"csrf_token": token}).status_code == 403
    assert "Delete this API price" not in editor.get(
        f"/admin/costs/api-prices/{price}/edit"
    ).get_data(as_text=True)
    token = csrf_token(admin, f"/admin/costs/api-prices/{price}/edit")
    assert admin.post(url, data={"csrf_token": token}).status_code == 302
    products = [p["product"] for p in client.get("/api/prices").json["api_prices"]]
    assert "gen-4-turbo" not in products
    assert admin.post(url, data={"csrf_token": token}).status_code == 404


def test_an_admin_deletes_a_gpu_price_or_a_scenario(seeded, admin, session, client):
    token = csrf_token(admin, "/admin/costs")
    price = gpu_price_id(session, "b200", "2026-03")
    claim = row_id(session, Scenario, slug="factorial-funds")
    for url in (f"gpu-prices/{price}", f"scenarios/{claim}"):
        response = admin.post(f"/admin/costs/{url}/delete", data={"csrf_token": token})
        assert response.status_code == 302
    session.expire_all()
    assert session.get(GpuPrice, price) is None and session.get(Scenario, claim) is None
    page = admin.get("/admin/costs").get_data(as_text=True)
    assert "Deleted the scenario factorial-funds." in page
    assert client.get("/cost").status_code == 200


def refusal(client, url: str) -> str:
    """The message a refused delete leaves on the page it returns to."""
    response = client.post(url, data={"csrf_token": csrf_token(client, "/admin/costs")})
    assert response.status_code == 302
    return client.get(response.location).get_data(as_text=True).replace("&#39;", "'")


def test_prices_the_cost_pages_convert_at_are_kept(seeded, editor, admin, session, client):
    backtest = gpu_price_id(session, "h100-sxm", "2024-06")
    page = refusal(admin, f"/admin/costs/gpu-prices/{backtest}/delete")
    assert "backtest needs two NVIDIA H100 SXM prices observed by 1 January 2025" in page
    moved = gpu_price_id(session, "h100-sxm", "2023-06")
    data = gpu_price(editor, observed="2025-07", usd_low="8", usd_typical="", usd_high="12")
    response = editor.post(f"/admin/costs/gpu-prices/{moved}/edit", data=data)
    assert "backtest needs two" in errors(response.get_data(as_text=True))["observed"]
    stand_in = gpu_price_id(session, "a100-sxm", "2026-05")  # the A800 is priced like it
    page = refusal(admin, f"/admin/costs/gpu-prices/{stand_in}/delete")
    assert "NVIDIA A100 SXM 80GB's last price, and scenario seed-8xa800 converts at it" in page
    data = scenario(editor, gpu="l40s", gpus="1", wall_hours="4", usd_per_video_minute="")
    assert editor.post(NEW_SCENARIO, data=data).status_code == 302
    only = gpu_price_id(session, "l40s", "2025-08")
    page = refusal(admin, f"/admin/costs/gpu-prices/{only}/delete")
    assert "The GPU price NVIDIA L40S, 2025-08 is kept" in page and "studio-memo" in page
    session.expire_all()
    assert session.get(GpuPrice, backtest) and session.get(GpuPrice, stand_in)
    assert client.get("/cost").status_code == 200


def test_a_post_without_its_csrf_token_is_refused(seeded, editor, admin, session):
    data = api_price(editor)
    del data["csrf_token"]
    assert editor.post(NEW_API_PRICE, data=data).status_code == 400
    price = row_id(session, ApiPrice, product="gen-4-turbo")
    assert admin.post(f"/admin/costs/api-prices/{price}/delete").status_code == 400
    assert session.get(ApiPrice, price) is not None


def test_an_unknown_row_is_a_404(editor):
    assert editor.get("/admin/costs/scenarios/999/edit").status_code == 404
