"""Pools of Brazilian names, streets, districts and companies for the demo data.

Faker('pt_BR') is used only here, seeded, to build small pools; the
generators combine the pools with numpy indexes (Faker per row is far too slow).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.services.text import slug

_STREET_PREFIXES = ["Rua"] * 12 + ["Avenida"] * 4 + ["Travessa", "Alameda", "Praça", "Estrada"]
_FAMOUS_STREETS = [
    "Rua XV de Novembro", "Avenida Brasil", "Rua Sete de Setembro", "Avenida Getúlio Vargas",
    "Rua Dom Pedro II", "Avenida Presidente Vargas", "Rua Tiradentes", "Rua Barão do Rio Branco",
    "Avenida Independência", "Rua São João", "Rua Marechal Deodoro", "Avenida Santos Dumont",
    "Rua Duque de Caxias", "Rua Floriano Peixoto", "Avenida JK", "Rua Rui Barbosa",
]
_SEGMENTS = [
    ("Padaria", "Panificadora"), ("Mercado", "Comércio de Alimentos"), ("Auto Peças", "Comércio de Peças"),
    ("Farmácia", "Drogaria"), ("Restaurante", "Alimentação"), ("Clínica", "Serviços Médicos"),
    ("Academia", "Atividades Físicas"), ("Pet Shop", "Comércio de Artigos para Animais"),
    ("Oficina", "Manutenção de Veículos"), ("Papelaria", "Comércio de Papelaria"),
    ("Contabilidade", "Serviços Contábeis"), ("Construtora", "Construções"), ("Ótica", "Comércio Óptico"),
    ("Escola", "Educação"), ("Imobiliária", "Negócios Imobiliários"), ("Transportes", "Transportes"),
    ("Materiais de Construção", "Comércio de Materiais de Construção"), ("Salão", "Serviços de Beleza"),
    ("Hotel", "Hotelaria"), ("Distribuidora", "Distribuição"),
]
_FANTASY_WORDS = [
    "Bom Preço", "Estrela", "Central", "do Vale", "São Jorge", "Primavera", "Nova Era", "Progresso",
    "Bela Vista", "Santa Luzia", "Avenida", "Sol Nascente", "Boa Esperança", "Ipê", "Aurora",
    "Horizonte", "Paraíso", "Real", "Popular", "Moderna", "Vitória", "Líder", "Brasil", "Ponto Certo",
]
_SUFFIXES = ["Ltda"] * 6 + ["ME", "EIRELI", "S.A.", "EPP"]
EMAIL_DOMAINS = ["gmail.com"] * 8 + ["hotmail.com"] * 4 + ["outlook.com"] * 2 + [
    "yahoo.com.br", "uol.com.br", "bol.com.br", "terra.com.br", "icloud.com"]


@dataclass(frozen=True)
class Pools:
    male: list[str]
    female: list[str]
    last: list[str]
    streets: list[str]
    districts: list[str]
    companies: list[str]       # razão social
    fantasy: list[str]         # nome fantasia, same index as companies

    def arrow(self, name: str) -> pa.Array:
        return pa.array(getattr(self, name), pa.string())

    def slugs(self, name: str, sep: str = ".") -> pa.Array:
        return pa.array([slug(v, sep) for v in getattr(self, name)], pa.string())


@lru_cache(maxsize=8)
def build_pools(seed: int) -> Pools:
    """Deterministic pools for ``seed`` (same seed → same pools)."""
    from faker import Faker
    from faker.providers.address.pt_BR import Provider as Address
    from faker.providers.person.pt_BR import Provider as Person

    fake = Faker("pt_BR")
    fake.seed_instance(seed)
    rng = np.random.default_rng([seed, 7])
    male = sorted(set(Person.first_names_male))
    female = sorted(set(Person.first_names_female))
    last = sorted(set(Person.last_names))
    streets = list(_FAMOUS_STREETS)
    seen = set(streets)
    while len(streets) < 1500:
        prefix = _STREET_PREFIXES[int(rng.integers(len(_STREET_PREFIXES)))]
        street = f"{prefix} {fake.first_name()} {fake.last_name()}"
        if street not in seen:
            seen.add(street)
            streets.append(street)
    districts = ["Centro"] * 5 + sorted(set(Address.bairros))
    companies, fantasy = [], []
    for i in range(600):
        seg_fantasy, seg_legal = _SEGMENTS[i % len(_SEGMENTS)]
        a, b = fake.last_name(), fake.last_name()
        owner = a if a == b or rng.random() < 0.5 else f"{a} & {b}"
        suffix = _SUFFIXES[int(rng.integers(len(_SUFFIXES)))]
        companies.append(f"{owner} {seg_legal} {suffix}")
        word = _FANTASY_WORDS[int(rng.integers(len(_FANTASY_WORDS)))] if rng.random() < 0.6 else fake.first_name()
        fantasy.append(f"{seg_fantasy} {word}")
    return Pools(male, female, last, streets, districts, companies, fantasy)


@lru_cache(maxsize=1)
def cities() -> pd.DataFrame:
    """~50 real Brazilian cities with state, DDD, population (thousands) and CEP range."""
    with resources.files("workbench.demo").joinpath("cities.csv").open(encoding="utf-8") as fh:
        frame = pd.read_csv(fh, dtype={"city": str, "state": str, "ddd": int, "population": int,
                                       "cep_from": str, "cep_to": str})
    frame["cep_from"] = frame["cep_from"].astype(int)
    frame["cep_to"] = frame["cep_to"].astype(int)
    return frame
