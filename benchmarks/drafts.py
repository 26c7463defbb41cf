"""Saving the wizard's draft (issue 11 item 2): one step saved (``draft.save(step)``, one short
write) for attendances in progress, the text growing as an operator types; and, with the desk's
:class:`~workbench.widgets.autosave.Autosave` on an asyncio loop like the kernel's, how late each
keystroke is handled while the saves run in the background (a save must never block typing).

Writes go to the benchmark database: new protocols, left abandoned at the end.
"""

from __future__ import annotations

import asyncio
import random
import time

from benchmarks.desk import ATENDENTE, _client_ids, _ms
from benchmarks.util import Measurement

_WORDS = "cliente sem internet desde a chuva de ontem roteador reiniciado luz los vermelha piscando".split()


def _typed(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words))


def measure(ctx) -> list[Measurement]:
    wb = ctx.wb
    session = wb.login(*ATENDENTE)
    rng = random.Random(17)
    clients = _client_ids(wb, 5 if ctx.quick else 20, seed=19)
    steps, per_step = [], 8
    drafts_made = []
    for client_id in clients:
        draft = session.new_attendance(client_id)
        drafts_made.append(draft)
        draft.set_origin(rng.choice(draft.origins))
        draft.save("origem")                            # the first save inserts the row (not timed)
        for k in range(per_step):
            draft.set_data(person_name="Joana Prado", problem=_typed(rng, 5 + 10 * k),
                           title=rng.choice(draft.titles))
            t = time.perf_counter()
            draft.save("dados")
            steps.append(_ms(t))
    lateness, saves = asyncio.run(_typing_while_saving(session, drafts_made[0], rng,
                                                       keys=60 if ctx.quick else 300))
    for draft in drafts_made:
        draft.leave()
    return [Measurement("rascunho: salvar um passo", steps,
                        note=f"{len(clients)} atendimentos × {per_step} gravações; meta p95 ≤ 50 ms"),
            Measurement("rascunho: atraso de uma tecla durante gravações", lateness,
                        note=f"Autosave em segundo plano, {saves} gravações; tecla a cada 40 ms")]


async def _typing_while_saving(session, draft, rng: random.Random, keys: int) -> tuple[list[float], int]:
    """Keystrokes every 40 ms on the loop, each saving at once (the harshest: no debounce):
    how late each keystroke's handler runs while the saves go on in the worker thread."""
    from workbench.services import drafts
    from workbench.widgets.autosave import Autosave

    text = []
    saver = Autosave(lambda: draft.snapshot("dados"), lambda snap: drafts.save(session, snap), delay=0.0)
    loop = asyncio.get_running_loop()
    lateness = []
    for _ in range(keys):
        due = loop.time() + 0.040
        await asyncio.sleep(0.040)
        lateness.append(max(0.0, loop.time() - due) * 1000)
        text.append(rng.choice("abcdefghij "))
        draft.problem = "".join(text)
        saver.now()
    await saver.idle()
    return lateness, saver.saves
