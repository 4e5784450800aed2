"""``python -m tools.codegen``: write the generated modules; ``--check`` only compares them."""

from .generate import main

raise SystemExit(main())
