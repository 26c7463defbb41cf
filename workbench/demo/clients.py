"""Demo clients and contracts, generated vectorised with numpy and pyarrow.

Client codes are ``C`` + 7 digits of the client id (``C0000123``); ids grow
with ``created_at`` (older clients have smaller ids), which lets attendances
pick only clients that already existed at the time.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.demo.names import EMAIL_DOMAINS, Pools, cities
from workbench.services.documents import random_cnpjs, random_cpfs

PF_SHARE = 0.85
FIRST_CLIENT_DATE = datetime(2017, 1, 1, tzinfo=timezone.utc)


ALPHANUMERIC_CNPJ_SHARE = 0.1   # companies registered since July 2026 have letters in their CNPJ


def _take(values: pa.Array, idx: np.ndarray) -> pa.Array:
    return values.take(pa.array(idx, pa.int64()))


def _join(*parts, sep: str = "") -> pa.Array:
    return pc.binary_join_element_wise(*parts, sep)


def _digits(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values, pa.int64()), pa.string()), width, "0")


def person_names(rng: np.random.Generator, pools: Pools, n: int, female: np.ndarray | None = None) -> pa.Array:
    """n full names: first name (by sex) + one or two surnames, accents kept."""
    if female is None:
        female = rng.random(n) < 0.52
    male_idx = rng.integers(0, len(pools.male), n)
    female_idx = rng.integers(0, len(pools.female), n)
    first = pc.if_else(pa.array(female), _take(pools.arrow("female"), female_idx),
                       _take(pools.arrow("male"), male_idx))
    last_pool = pools.arrow("last")
    l1 = _take(last_pool, rng.integers(0, len(pools.last), n))
    l2 = _take(last_pool, rng.integers(0, len(pools.last), n))
    two = pa.array(rng.random(n) < 0.7)
    return pc.if_else(two, _join(first, l1, l2, sep=" "), _join(first, l2, sep=" "))


def generate_clients(rng: np.random.Generator, pools: Pools, n: int, now: datetime) -> pa.Table:
    city_df = cities()
    ids = np.arange(1, n + 1, dtype=np.int64)
    is_pf = rng.random(n) < PF_SHARE
    n_pf = int(is_pf.sum())
    n_pj = n - n_pf

    # created_at: sorted, spread from 2017 to yesterday, growing over time.
    start = FIRST_CLIENT_DATE.timestamp()
    end = (now - timedelta(days=1)).timestamp()
    frac = np.sort(np.sqrt(rng.random(n)))
    created_s = (start + frac * (end - start)).astype(np.int64)
    created = pa.array(created_s * 1_000_000, pa.timestamp("us", tz="UTC"))

    # names: PF people; PJ razão social + nome fantasia.
    female = rng.random(n) < 0.52
    female_idx = rng.integers(0, len(pools.female), n)
    male_idx = rng.integers(0, len(pools.male), n)
    last1 = rng.integers(0, len(pools.last), n)
    last2 = rng.integers(0, len(pools.last), n)
    two = rng.random(n) < 0.7
    fem = pa.array(female)
    first = pc.if_else(fem, _take(pools.arrow("female"), female_idx), _take(pools.arrow("male"), male_idx))
    first_slug = pc.if_else(fem, _take(pools.slugs("female"), female_idx), _take(pools.slugs("male"), male_idx))
    l1, l2 = _take(pools.arrow("last"), last1), _take(pools.arrow("last"), last2)
    l2_slug = _take(pools.slugs("last", ""), last2)
    person = pc.if_else(pa.array(two), _join(first, l1, l2, sep=" "), _join(first, l2, sep=" "))
    company_idx = rng.integers(0, len(pools.companies), n)
    company = _take(pools.arrow("companies"), company_idx)
    fantasy = _take(pools.arrow("fantasy"), company_idx)
    fantasy_slug = _take(pools.slugs("fantasy", ""), company_idx)
    pf = pa.array(is_pf)
    name = pc.if_else(pf, person, company)
    trade_name = pc.if_else(pf, pa.nulls(n, pa.string()), fantasy)

    documents = np.empty(n, dtype="U14")
    documents[is_pf] = random_cpfs(rng, n_pf)
    documents[~is_pf] = random_cnpjs(rng, n_pj, alphanumeric=ALPHANUMERIC_CNPJ_SHARE)

    # e-mail without accents; a number keeps popular names apart.
    number = _digits(rng.integers(1, 999, n), 1)
    with_number = pa.array(rng.random(n) < 0.55)
    domain = _take(pa.array(EMAIL_DOMAINS), rng.integers(0, len(EMAIL_DOMAINS), n))
    local = _join(first_slug, l2_slug, sep=".")
    local = pc.if_else(with_number, _join(local, number), local)
    pf_email = _join(_join(local, domain, sep="@"))
    pj_email = _join(pa.array(np.where(rng.random(n) < 0.5, "contato", "financeiro")),
                     _join(fantasy_slug, _digits(rng.integers(1, 99, n), 1), pa.scalar(".com.br")), sep="@")
    email = pc.if_else(pf, pf_email, pj_email)
    email = pc.if_else(pa.array(rng.random(n) < 0.05), pa.nulls(n, pa.string()), email)

    # city (weighted by population, ISP coverage cities boosted), phones and address.
    weights = city_df["population"].to_numpy(float)
    weights = weights / weights.sum()
    city_idx = rng.choice(len(city_df), n, p=weights)
    ddd = city_df["ddd"].to_numpy()[city_idx].astype(np.int64)
    mobile_num = ddd * 1_000_000_000 + 900_000_000 + rng.integers(60_000_000, 100_000_000, n)
    land_num = ddd * 100_000_000 + rng.integers(20_000_000, 60_000_000, n)
    has_land = pa.array(rng.random(n) < np.where(is_pf, 0.25, 0.8))
    phone = pc.if_else(has_land, pc.cast(pa.array(land_num), pa.string()), pa.nulls(n, pa.string()))
    mobile = pc.if_else(pa.array(rng.random(n) < np.where(is_pf, 0.98, 0.6)),
                        pc.cast(pa.array(mobile_num), pa.string()), pa.nulls(n, pa.string()))
    street = _take(pools.arrow("streets"), rng.integers(0, len(pools.streets), n))
    house = rng.integers(1, 3000, n)
    house_no = pc.if_else(pa.array(rng.random(n) < 0.03), pa.scalar("S/N"), _digits(house, 1))
    district = _take(pools.arrow("districts"), rng.integers(0, len(pools.districts), n))
    cep_from = city_df["cep_from"].to_numpy()[city_idx]
    cep_to = city_df["cep_to"].to_numpy()[city_idx]
    cep = (cep_from + (rng.random(n) * (cep_to - cep_from + 1)).astype(np.int64)) * 1000 + rng.integers(0, 1000, n)

    return pa.table({
        "client_id": pa.array(ids, pa.int32()),
        "code": _join(pa.scalar("C"), _digits(ids, 7)),
        "kind": pa.array(np.where(is_pf, "PF", "PJ")),
        "name": name,
        "trade_name": trade_name,
        "document": pa.array(documents),
        "email": email,
        "phone": phone,
        "mobile": mobile,
        "street": street,
        "number": house_no,
        "district": district,
        "city": pa.array(city_df["city"].to_numpy()[city_idx]),
        "state": pa.array(city_df["state"].to_numpy()[city_idx]),
        "zip": _digits(cep, 8),
        "created_at": created,
    })


def generate_contracts(rng: np.random.Generator, clients: pa.Table, plans: pd.DataFrame,
                       routing_points: pd.DataFrame) -> pa.Table:
    """1–2 contracts per client; contract_id == client_id for each client's first contract."""
    n = clients.num_rows
    client_ids = clients["client_id"].to_numpy()
    is_pf = pc.equal(clients["kind"], "PF").to_numpy(zero_copy_only=False)
    second = rng.random(n) < 0.18
    owner = np.concatenate([client_ids, client_ids[second]]).astype(np.int64)
    pf = np.concatenate([is_pf, is_pf[second]])
    m = len(owner)
    contract_ids = np.arange(1, m + 1, dtype=np.int64)

    plan_ids = plans["plan_id"].to_numpy()
    business = plans["name"].str.contains("Empresarial", case=False).to_numpy()
    home_plans = plan_ids[~business] if (~business).any() else plan_ids
    biz_plans = plan_ids[business] if business.any() else plan_ids
    home_w = np.linspace(3, 1, len(home_plans))
    home_w /= home_w.sum()
    plan = np.where(pf, rng.choice(home_plans, m, p=home_w),
                    np.where(rng.random(m) < 0.7, rng.choice(biz_plans, m), rng.choice(plan_ids, m)))

    # routing point: one in the client's city, else one in the same state, else any.
    city_of = np.asarray(clients["city"].to_numpy(zero_copy_only=False), dtype=object)
    state_of = np.asarray(clients["state"].to_numpy(zero_copy_only=False), dtype=object)
    city_df = cities()
    state_by_city = dict(zip(city_df["city"], city_df["state"]))
    rp_ids = routing_points["routing_point_id"].to_numpy()
    rp_city = routing_points["city"].to_numpy()
    rp_state = np.array([state_by_city.get(c, "") for c in rp_city], dtype=object)
    owner_pos = owner - 1
    rp = np.empty(m, dtype=np.int64)
    owner_city = city_of[owner_pos]
    owner_state = state_of[owner_pos]
    city_codes, city_names = pd.factorize(owner_city)
    order = np.argsort(city_codes, kind="stable")
    bounds = np.searchsorted(city_codes[order], np.arange(len(city_names) + 1))
    for k, city in enumerate(city_names):
        rows = order[bounds[k]:bounds[k + 1]]
        candidates = rp_ids[rp_city == city]
        if len(candidates) == 0:
            candidates = rp_ids[rp_state == owner_state[rows[0]]]
        if len(candidates) == 0:
            candidates = rp_ids
        rp[rows] = candidates[rng.integers(0, len(candidates), len(rows))]

    status = rng.choice(np.array(["Ativo", "Inativo", "Cancelado"]), m, p=[0.93, 0.03, 0.04])
    enabled = (status == "Ativo") & (rng.random(m) >= 0.012)
    created = clients["created_at"].cast(pa.int64()).to_numpy()[owner_pos]
    extra_days = np.where(np.arange(m) >= n, rng.integers(30, 900, m), 0)
    started = (created // 86_400_000_000 + extra_days).astype("datetime64[D]")
    return pa.table({
        "contract_id": pa.array(contract_ids, pa.int32()),
        "client_id": pa.array(owner, pa.int32()),
        "plan_id": pa.array(plan, pa.int32()),
        "routing_point_id": pa.array(rp, pa.int32()),
        "access_enabled": pa.array(enabled),
        "status": pa.array(status),
        "started_on": pa.array(started, pa.date32()),
    })
