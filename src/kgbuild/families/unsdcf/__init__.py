"""The UN Sustainable Development Cooperation Framework family: its reader and the
framework mapper."""
from __future__ import annotations

from ...namespaces import slug
from ...records import Document
from .mapping import FrameworkMapper
from .reader import UnsdcfReader

LINK_KINDS = ("primary", "crosscutting", "cited")


class UnsdcfFamily(UnsdcfReader):
    def map(self, doc: Document) -> str:
        return FrameworkMapper(doc).map()

    def summary(self, doc: Document) -> str:
        fw = doc.framework
        lines = [f"{len(fw.thematic_areas)} thematic areas, {len(fw.outcomes)} outcomes, "
                 f"{sum(len(o.indicators) for o in fw.outcomes)} indicators"]
        for o in fw.outcomes:
            links = "/".join(str(sum(t.kind == k for t in o.targets)) for k in LINK_KINDS)
            lines.append(f"    outcome {o.number}: target links {links} (primary/crosscutting/cited), "
                         f"{len(o.lnob)} LNOB groups, {len(o.agencies)} agencies, {len(o.partners)} partners, "
                         f"{len(o.indicators)} indicators ({sum(len(i.parts) for i in o.indicators)} sub-indicators)")
        return "\n".join(lines)


    def identity(self, doc: Document) -> str | None:
        """A framework named by its countries and period ("unsdcf-kaz-2021-2025"), else by
        its title; None with neither."""
        fw = doc.framework
        if fw is None:
            return None
        period = "-".join(str(y) for y in dict.fromkeys((fw.period_start, fw.period_end)) if y)
        if fw.countries and period:
            return "-".join(["unsdcf", *(c.lower() for c in fw.countries), period])
        return f"unsdcf-{slug(fw.title)}" if fw.title and slug(fw.title) != "x" else None


family = UnsdcfFamily()
