"""The kernel of a served page: ipykernel without the libraries no page uses.

``workbench serve`` puts ``jupyter/kernels/python3/kernel.json`` (beside this module) first on
``JUPYTER_PATH``, so the served pages' kernels (the notebooks ask for ``python3``) start here;
JupyterLab and notebooks elsewhere keep the ordinary kernel.

pandas imports pyarrow whenever it is installed (about 60 MB of every kernel's memory) and then
keeps text columns in Arrow arrays. Nothing a desk or dashboard page does needs it: DuckDB hands
results to pandas through NumPy (``.df()``), the exports are written with the csv module and
openpyxl, and Parquet is read only by ``workbench import-clients``, a command, never a page. So a
page's kernel marks it unavailable before anything is imported, and pandas keeps text in Python
strings instead. pyarrow stays installed for what runs outside the pages (the demo generator, the
import, analysts' notebooks). The debugger (debugpy) is left out too: ``kernel.json`` turns it off.
This module is started as ``python -m workbench.server.kernel``, which imports the ``workbench``
package first: that is why ``import workbench`` imports no pandas (``workbench/__init__.py``).
``tests/test_kernel_memory.py`` runs a desk's and a dashboard's work, exports included, in a served
kernel and checks it never imports pyarrow (nor matplotlib, nor debugpy).
"""

from __future__ import annotations

import sys

UNUSED = ("pyarrow", "debugpy")


def main() -> None:
    for name in UNUSED:
        sys.modules[name] = None      # `import pyarrow` raises ImportError, as if it were not installed
    from ipykernel import kernelapp

    sys.argv.append("--HistoryManager.enabled=False")      # a page's kernel keeps no input history (SQLite)
    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
