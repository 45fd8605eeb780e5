"""Parse one document's text into the rows the lake stores: reports, metrics, relations and findings."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace
from operator import attrgetter

from ingest.extract import Mention, extract_mentions
from ingest.findings import (
    Finding,
    enumeration_findings,
    placeholder_findings,
    repeated_metric_findings,
    year_findings,
)
from ingest.lake import SCHEMAS
from ingest.metadata import ReportMeta, infer_years
from ingest.numbers import to_matching_text
from ingest.relations import Relation, extract_relations
from ingest.segment import ReportSegment, segment_document
from ingest.spacing import Despaced, despace


@dataclass
class ParsedDocument:
    reports: list[tuple[ReportSegment, ReportMeta]]
    mentions: list[Mention]
    relations: list[Relation]
    findings: list[Finding]


def parse_text(text: str) -> ParsedDocument:
    """Everything the contract asks of one document's text. Lines whose characters are spaced out are read
    with the spaces removed; every offset stays an offset into `text`."""
    despaced = despace(text)
    if despaced is None:
        return _parse(text)
    return _in_original(_parse(despaced.text), text, despaced)


def _parse(text: str) -> ParsedDocument:
    matching = to_matching_text(text)
    reports: list[tuple[ReportSegment, ReportMeta]] = []
    mentions: list[Mention] = []
    relations: list[Relation] = []
    findings: list[Finding] = []
    for seg in segment_document(text):
        meta = infer_years(text, seg)
        reports.append((seg, meta))
        report_mentions = extract_mentions(text, matching, seg)
        offset = len(mentions)
        report_relations = extract_relations(text, report_mentions)
        if offset:  # the indexes count from the report's first mention: moved past the reports before it
            report_relations = [replace(rel, total_index=rel.total_index + offset,
                                        part_indexes=tuple(i + offset for i in rel.part_indexes))
                                for rel in report_relations]
        relations.extend(report_relations)
        mentions.extend(report_mentions)
        findings.extend(placeholder_findings(text, seg))
        findings.extend(enumeration_findings(seg))
        findings.extend(year_findings(seg, meta))
        findings.extend(repeated_metric_findings(report_mentions))
    return ParsedDocument(reports, mentions, relations, findings)


def _in_original(parsed: ParsedDocument, text: str, despaced: Despaced) -> ParsedDocument:
    """A document parsed from its compacted copy, with every span, sentence and evidence taken from the
    stored text, and a finding on each report whose spaced-out lines hold numbers."""
    def span(start: int, end: int) -> tuple[int, int]:
        return despaced.start(start), max(despaced.start(start), despaced.end(end))

    sentences = sorted((s.start, s.end) for seg, _meta in parsed.reports for s in seg.sentences)

    def sentence_around(pos: int) -> str | None:
        """The stored text of the (compacted) sentence holding pos."""
        i = bisect_right(sentences, (pos, float("inf"))) - 1
        if i < 0 or not sentences[i][0] <= pos < sentences[i][1]:
            return None
        start, end = span(*sentences[i])
        return text[start:end]

    mentions = []
    for m in parsed.mentions:
        start, end = span(m.char_start, m.char_end)
        sentence_start, sentence_end = span(m.sentence_start, m.sentence_start + len(m.sentence))
        mentions.append(replace(m, char_start=start, char_end=end, number_text=text[start:end],
                                sentence=text[sentence_start:sentence_end], sentence_start=sentence_start))
    findings = [replace(f, char_start=start, char_end=end, evidence=sentence_around(f.char_start) or f.evidence)
                for f in parsed.findings for start, end in (span(f.char_start, f.char_end),)]
    reports = []
    for seg, meta in parsed.reports:
        start, end = span(seg.start, seg.end)
        title_start = None if seg.title_start is None else despaced.start(seg.title_start)
        reports.append((replace(seg, start=start, end=end, title_start=title_start), meta))
        spaced = [(a, b) for a, b in despaced.lines if start <= a < end]
        # A letter-spaced title (`政 府 工 作 报 告`) is typography; spaced-out numbers are a text layer to check.
        if any(ch.isdigit() for a, b in spaced for ch in text[a:b]):
            findings.append(Finding(
                "spaced_out_text", seg.seq, *spaced[0],
                f"{len(spaced)} line(s) with their characters separated by spaces (a PDF's text layer): "
                "read with the spaces removed", text[spaced[0][0]:spaced[0][1]]))
    return ParsedDocument(reports, mentions, parsed.relations, findings)


# The metrics table's columns that a Mention holds (all but the ids), read in one call per mention.
MENTION_COLUMNS = tuple(name for name in SCHEMAS["metrics"].names
                        if name not in ("metric_id", "report_id", "document_id", "source_file"))
_mention_values = attrgetter(*MENTION_COLUMNS)


def report_id(document_id: str, seq: int) -> str:
    return f"{document_id[:16]}-r{seq}"


def metric_id(document_id: str, mention: Mention) -> str:
    return f"{document_id[:16]}-m{mention.char_start}-{mention.char_end}"


def rows_for_lake(document_id: str, source_file: str, parsed: ParsedDocument) -> dict[str, list[dict]]:
    """The parsed document as plain rows per lake table (ids are stable for the same bytes)."""
    reports = []
    for seg, meta in parsed.reports:
        reports.append({
            "report_id": report_id(document_id, seg.seq), "document_id": document_id, "source_file": source_file,
            "report_seq": seg.seq, "char_start": seg.start, "char_end": seg.end, "title": seg.title,
            "title_char_start": seg.title_start,
            "org_name": meta.org_name, "report_year": meta.report_year, "plan_year": meta.plan_year,
            "year_evidence": meta.year_evidence, "title_report_year": meta.title_report_year,
            "title_plan_year": meta.title_plan_year, "title_has_placeholder_year": meta.title_has_placeholder_year,
            "n_sentences": len(seg.sentences),
        })
    metrics = []
    for m in parsed.mentions:
        metrics.append({"metric_id": metric_id(document_id, m), "report_id": report_id(document_id, m.report_seq),
                        "document_id": document_id, "source_file": source_file,
                        **dict(zip(MENTION_COLUMNS, _mention_values(m), strict=True))})
    relations = []
    for i, rel in enumerate(parsed.relations):
        total = parsed.mentions[rel.total_index]
        relations.append({
            "check_id": f"{document_id[:16]}-t{i}", "report_id": report_id(document_id, rel.report_seq),
            "document_id": document_id, "source_file": source_file, "relation": rel.relation,
            "total_metric_id": metric_id(document_id, total), "total_value": total.value,
            "parts_sum": rel.parts_sum,
            "part_metric_ids": [metric_id(document_id, parsed.mentions[p]) for p in rel.part_indexes],
            "status": rel.status, "char_start": total.char_start, "char_end": total.char_end,
            "sentence": total.sentence, "cue": rel.cue, "tolerance": rel.tolerance, "reading": rel.reading,
        })
    findings = []
    for f in parsed.findings:
        findings.append({
            "document_id": document_id, "source_file": source_file,
            "report_id": report_id(document_id, f.report_seq), "check_name": f.check_name,
            "severity": f.severity, "char_start": f.char_start, "char_end": f.char_end,
            "message": f.message, "evidence": f.evidence,
        })
    return {"reports": reports, "metrics": metrics, "relations": relations, "findings": findings}
