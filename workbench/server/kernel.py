"""The kernel of a served page: ipykernel without the libraries no page uses.

``workbench serve`` puts ``jupyter/kernels/python3/kernel.json`` (beside this module) first on
``JUPYTER_PATH``, so the served pages' kernels (the notebooks ask for ``python3``) start here;
JupyterLab and notebooks elsewhere keep the ordinary kernel.

pandas imports pyarrow whenever it is installed (about 60 MB of every kernel's memory) and then
keeps text columns in Arrow arrays; nothing a page does needs it (DuckDB hands results to pandas
through NumPy, exports are written with the csv module and openpyxl), so a page's kernel marks it
unavailable before anything is imported: pandas keeps text in Python strings instead.
``tests/test_kernel_memory.py`` checks a served kernel never imports it (nor matplotlib).
"""

from __future__ import annotations

import sys

UNUSED = ("pyarrow", "debugpy")


def main() -> None:
    for name in UNUSED:
        sys.modules[name] = None      # `import pyarrow` raises ImportError, as if it were not installed
    from ipykernel import kernelapp

    sys.argv.append("--HistoryManager.enabled=False")
    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
