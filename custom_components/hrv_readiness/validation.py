"""The schema library of the running Home Assistant, as ``vol``.

Home Assistant validates with probatio since 2026.9 (voluptuous-compatible; ``import
voluptuous`` still resolves to it at run time, but the types are probatio's) and with
voluptuous before. Type checking is against the current release.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import probatio as vol
else:
    try:
        import probatio as vol
    except ImportError:  # Home Assistant before 2026.9
        import voluptuous as vol

__all__ = ["vol"]
