"""`python -m hrv_readiness` is `hrv-collector`."""

from __future__ import annotations

from hrv_readiness.cli import main

raise SystemExit(main())
