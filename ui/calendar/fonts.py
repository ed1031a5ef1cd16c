"""The week view's fonts, derived from the widget font in pixel sizes (DPI-independent)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QFont


@dataclass(slots=True)
class Fonts:
    """Every font the painter uses, made once per widget font."""

    name: QFont
    detail: QFont
    gutter: QFont
    weekday: QFont
    day_number: QFont
    label: QFont

    @classmethod
    def from_base(cls, base: QFont) -> Fonts:
        def sized(px: int, weight: QFont.Weight = QFont.Weight.Normal) -> QFont:
            f = QFont(base)
            f.setPixelSize(px)
            f.setWeight(weight)
            f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
            return f

        return cls(
            name=sized(12, QFont.Weight.DemiBold),
            detail=sized(11),
            gutter=sized(11),
            weekday=sized(11, QFont.Weight.DemiBold),
            day_number=sized(19),
            label=sized(11, QFont.Weight.DemiBold),
        )
